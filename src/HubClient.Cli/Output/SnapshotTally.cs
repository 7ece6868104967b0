namespace HubClient.Cli.Output;

/// <summary>
/// Watches a snapshot download's progress to tell afterwards what happened: how many files were selected, and whether any
/// byte came from the hub. The library reports bytes of a file that is fetched before counting the file complete, and a
/// file already in place only as complete; no report at all means the cache answered without the hub's file list.
/// </summary>
internal sealed class SnapshotTally(IProgress<SnapshotProgress>? inner) : IProgress<SnapshotProgress>
{
    private readonly Lock _lock = new();
    private SnapshotProgress? _last;

    /// <summary>The last report, or null when none came (the snapshot came from the cache without asking the hub).</summary>
    public SnapshotProgress? Last
    {
        get
        {
            lock (_lock) return _last;
        }
    }

    /// <summary>Whether some bytes arrived from the hub (not only files found in place).</summary>
    public bool Fetched { get; private set; }

    public void Report(SnapshotProgress value)
    {
        lock (_lock)
        {
            if (_last is { } last && value.FilesCompleted == last.FilesCompleted && value.BytesDownloaded > last.BytesDownloaded) Fetched = true;
            _last = value;
        }
        inner?.Report(value);
    }
}
