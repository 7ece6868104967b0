namespace HubClient;

/// <summary>
/// An <see cref="IProgress{T}"/> that calls its handler at once, on the thread that reports, one report at a time: reports
/// arrive in order and all of them have been handled when the operation returns.
/// </summary>
/// <remarks>
/// <see cref="Progress{T}"/> posts each report to the captured <see cref="SynchronizationContext"/>, which a console app does
/// not have, so its handler runs later on the thread pool: lines print out of order and some after the call has returned.
/// Use this class instead in console apps, scripts and tests. The handler runs under a lock while the download waits for
/// it, so keep it short (update a bar, write a line). In a UI app, <see cref="Progress{T}"/> is right: it brings reports to
/// the UI thread.
/// </remarks>
/// <typeparam name="T">The report: <see cref="DownloadProgress"/>, <see cref="SnapshotProgress"/>, <see cref="CacheVerifyProgress"/>.</typeparam>
public sealed class SynchronousProgress<T> : IProgress<T>
{
    private readonly Action<T> _handler;
    private readonly Lock _lock = new();

    /// <summary>Creates a progress sink that calls <paramref name="handler"/> for each report.</summary>
    /// <param name="handler">Called with each report, never by two threads at once.</param>
    /// <exception cref="ArgumentNullException"><paramref name="handler"/> is null.</exception>
    public SynchronousProgress(Action<T> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handler = handler;
    }

    /// <summary>Calls the handler with <paramref name="value"/> before returning.</summary>
    /// <param name="value">The report.</param>
    public void Report(T value)
    {
        lock (_lock) _handler(value);
    }
}
