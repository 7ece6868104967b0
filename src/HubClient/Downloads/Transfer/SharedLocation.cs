namespace HubClient;

/// <summary>
/// The download URL of one file, shared by the connections of a parallel download: resolved once, and when a signed CDN
/// URL expires (403/410) asked again of the hub — once for all connections, however many of them noticed.
/// </summary>
internal sealed class SharedLocation : IDisposable
{
    private readonly Func<CancellationToken, Task<Uri>>? _refresh;
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private readonly Lock _gate = new();
    private Uri _current;
    private int _version;

    public SharedLocation(Uri initial, Func<CancellationToken, Task<Uri>>? refresh)
    {
        _current = initial;
        _refresh = refresh;
    }

    public bool CanRefresh => _refresh is not null;

    /// <summary>The current URL and its version (to pass to <see cref="RefreshAsync"/>).</summary>
    public (Uri Uri, int Version) Current
    {
        get
        {
            lock (_gate) return (_current, _version);
        }
    }

    /// <summary>Moves to where version <paramref name="seenVersion"/> redirected (unless another connection already moved on).</summary>
    public void Redirected(int seenVersion, Uri target)
    {
        lock (_gate)
        {
            if (_version != seenVersion) return;
            _current = target;
            _version++;
        }
    }

    /// <summary>Gets a fresh URL unless another connection already replaced version <paramref name="seenVersion"/>.</summary>
    public async Task RefreshAsync(int seenVersion, CancellationToken cancellationToken)
    {
        if (_refresh is null) return;
        await _refreshing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Current.Version != seenVersion) return;
            Uri fresh = await _refresh(cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                _current = fresh;
                _version++;
            }
        }
        finally
        {
            _refreshing.Release();
        }
    }

    public void Dispose() => _refreshing.Dispose();
}
