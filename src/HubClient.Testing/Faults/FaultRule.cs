namespace HubClient.Testing;

/// <summary>A fault registered on a <see cref="FakeHub"/>: which requests it hits and how many times.</summary>
public sealed class FaultRule
{
    private readonly Func<FakeHubRequest, bool> _when;
    private int _remaining;
    private int _hits;

    internal FaultRule(FakeFault fault, Func<FakeHubRequest, bool> when, int? times)
    {
        Fault = fault;
        _when = when;
        _remaining = times ?? int.MaxValue;
    }

    /// <summary>The fault.</summary>
    public FakeFault Fault { get; }

    /// <summary>How many requests it was applied to.</summary>
    public int Hits => Volatile.Read(ref _hits);

    internal bool TryApply(FakeHubRequest request)
    {
        if (!_when(request)) return false;
        while (true)
        {
            int remaining = Volatile.Read(ref _remaining);
            if (remaining <= 0) return false;
            if (Interlocked.CompareExchange(ref _remaining, remaining - 1, remaining) == remaining) break;
        }
        Interlocked.Increment(ref _hits);
        return true;
    }

    /// <summary>Undoes one <see cref="TryApply"/>: the fault did not reach the request (it was redirected before any byte).</summary>
    internal void Release()
    {
        Interlocked.Decrement(ref _hits);
        Interlocked.Increment(ref _remaining);
    }
}
