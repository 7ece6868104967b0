using System.Net.Sockets;

namespace HubClient;

/// <summary>
/// The retries one logical request may spend, shared by the retry pipeline (attempts that got no usable answer) and the
/// body loop of a download (connections that broke mid-body), so the two never multiply. Failures count while no new
/// byte arrives (<see cref="HubRetryOptions.MaxRetries"/> in a row); progress gives the budget back. Connection failures
/// (refused, unknown host) are also bounded by the time spent waiting for them (<see cref="HubRetryOptions.ConnectFailureTimeout"/>):
/// a hub that is down fails in seconds.
/// </summary>
internal sealed class RetryBudget
{
    private readonly HubRetryOptions _options;
    private int _failures;
    private long _connectWaitTicks;

    public RetryBudget(HubRetryOptions options) => _options = options;

    /// <summary>Failures since the last progress.</summary>
    public int Failures => Volatile.Read(ref _failures);

    /// <summary>Spends one retry; false when none is left.</summary>
    public bool TryConsume()
    {
        while (true)
        {
            int failures = Volatile.Read(ref _failures);
            if (failures >= _options.MaxRetries) return false;
            if (Interlocked.CompareExchange(ref _failures, failures + 1, failures) == failures) return true;
        }
    }

    /// <summary>New bytes arrived: the failures so far are forgiven.</summary>
    public void Progressed() => Volatile.Write(ref _failures, 0);

    /// <summary>Whether waiting for an unreachable server has not yet used up <see cref="HubRetryOptions.ConnectFailureTimeout"/>.</summary>
    public bool HasConnectTimeLeft => ConnectTimeLeft > TimeSpan.Zero;

    private TimeSpan ConnectTimeLeft => _options.ConnectFailureTimeout - TimeSpan.FromTicks(Interlocked.Read(ref _connectWaitTicks));

    /// <summary>The wait before retrying a connection failure: <paramref name="backoff"/> cut to the connect time left, which it uses up.</summary>
    public TimeSpan ConnectRetryDelay(TimeSpan backoff)
    {
        TimeSpan left = ConnectTimeLeft;
        TimeSpan delay = left <= TimeSpan.Zero ? TimeSpan.Zero : backoff < left ? backoff : left;
        Interlocked.Add(ref _connectWaitTicks, delay.Ticks);
        return delay;
    }

    /// <summary>Whether <paramref name="exception"/> means the server could not be reached at all (refused, unknown host).</summary>
    public static bool IsConnectFailure(Exception exception) => exception switch
    {
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } => true,
        HttpRequestException { InnerException: SocketException s } => s.SocketErrorCode is SocketError.ConnectionRefused
            or SocketError.HostNotFound or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.TryAgain,
        _ => false,
    };
}
