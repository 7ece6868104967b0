namespace HubClient.Xet;

/// <summary>
/// A xorb answer's body with a stall limit: a read that gets no byte within <c>timeout</c>
/// (<see cref="HubApiOptions.DownloadTimeout"/>) fails with <see cref="TimeoutException"/>, which the fetch retries, as the
/// plain-HTTP transfers do. Without it a connection that stops sending would hold its fetch for as long as the server keeps it open.
/// </summary>
internal sealed class IdleTimeoutStream(Stream inner, TimeSpan timeout) : ReadOnlyStream
{
    private CancellationTokenSource? _idle;
    private CancellationToken _linkedTo;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_idle is null || _linkedTo != cancellationToken || !_idle.TryReset())
        {
            _idle?.Dispose();
            _idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _linkedTo = cancellationToken;
        }
        _idle.CancelAfter(timeout);
        try
        {
            return await inner.ReadAsync(buffer, _idle.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No xorb bytes for {timeout.TotalSeconds:0.#} s.");
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _idle?.Dispose();
            inner.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        _idle?.Dispose();
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
