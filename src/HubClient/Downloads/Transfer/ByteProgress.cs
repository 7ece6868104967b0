namespace HubClient;

/// <summary>
/// Adds up the bytes several connections write into one file and reports the total through the caller's
/// <see cref="IProgress{T}"/>, one report at a time whichever thread calls. The count only falls when bytes are taken
/// back (<see cref="AddReused"/> with a negative count, <see cref="Reset"/>).
/// </summary>
internal sealed class ByteProgress
{
    private readonly string _path;
    private readonly long _total;
    private readonly IProgress<DownloadProgress>? _progress;
    private readonly Lock _lock = new();
    private long _done;
    private long _reused;

    public ByteProgress(string path, long total, IProgress<DownloadProgress>? progress)
    {
        _path = path;
        _total = total;
        _progress = progress;
    }

    public long Done
    {
        get
        {
            lock (_lock) return _done;
        }
    }

    /// <summary>Bytes counted as reused so far.</summary>
    public long Reused
    {
        get
        {
            lock (_lock) return _reused;
        }
    }

    public void Add(long bytes)
    {
        lock (_lock)
        {
            _done += bytes;
            Report();
        }
    }

    /// <summary>Bytes copied from files already held rather than fetched: they count as done and as reused (negative: taken back).</summary>
    public void AddReused(long bytes)
    {
        lock (_lock)
        {
            _done += bytes;
            _reused += bytes;
            Report();
        }
    }

    /// <summary>Starts over from <paramref name="done"/> bytes (a restart from scratch reports 0).</summary>
    public void Reset(long done)
    {
        lock (_lock)
        {
            _done = done;
            _reused = Math.Min(_reused, done);
            Report();
        }
    }

    private void Report() => _progress?.Report(new DownloadProgress(_path, _done, _total) { BytesReused = _reused });
}
