namespace HubClient;

/// <summary>
/// A response body with a stall limit: a read that gets no byte within <c>timeout</c>
/// (<see cref="HubApiOptions.DownloadTimeout"/>, measured on <see cref="HubApiOptions.TimeProvider"/>) fails with
/// <see cref="TimeoutException"/>, which the transfer retries from the byte where it stopped. Without it a connection that
/// stops sending would hold its transfer for as long as the server keeps it open.
/// </summary>
/// <param name="inner">The body.</param>
/// <param name="timeout">The longest wait for a byte.</param>
/// <param name="clock">The clock the wait is measured on.</param>
/// <param name="what">What the body carries, for the exception's message ("xorb bytes", "bytes of 'model.bin'").</param>
internal sealed class IdleTimeoutStream(Stream inner, TimeSpan timeout, TimeProvider clock, string what) : ReadOnlyStream
{
    private CancellationTokenSource? _idle;
    private CancellationTokenRegistration _link;
    private CancellationToken _linkedTo;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_idle is { IsCancellationRequested: true } && !_linkedTo.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The timeout (not the caller) fired as the last read completed: HttpClient may have torn the connection down under it.
            throw Stalled();
        }
        if (_idle is null || _linkedTo != cancellationToken || _idle.IsCancellationRequested)
        {
            // A source on the options' clock (CreateLinkedTokenSource would measure on the system's), cancelled with the caller's token.
            _link.Dispose();
            _idle?.Dispose();
            _idle = new CancellationTokenSource(Timeout.InfiniteTimeSpan, clock);
            _link = cancellationToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), _idle);
            _linkedTo = cancellationToken;
        }
        _idle.CancelAfter(timeout);
        try
        {
            return await inner.ReadAsync(buffer, _idle.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException && _idle.IsCancellationRequested
            && !cancellationToken.IsCancellationRequested)
        {
            throw Stalled();
        }
        finally
        {
            // Only a wait for bytes counts: the time the caller takes between reads does not.
            _idle.CancelAfter(Timeout.InfiniteTimeSpan);
        }
    }

    private TimeoutException Stalled() => new($"No {what} for {timeout.TotalSeconds:0.#} s.");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _link.Dispose();
            _idle?.Dispose();
            inner.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        _link.Dispose();
        _idle?.Dispose();
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
