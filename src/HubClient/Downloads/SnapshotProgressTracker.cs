namespace HubClient;

/// <summary>
/// Sums the progress of a snapshot's concurrent file downloads into one <see cref="SnapshotProgress"/>, reported one at a
/// time whichever thread a file's progress comes from.
/// </summary>
internal sealed class SnapshotProgressTracker
{
    private readonly IProgress<SnapshotProgress>? _progress;
    private readonly IProgress<DownloadProgress>? _fileProgress;
    private readonly Lock _lock = new();
    private readonly long _totalBytes;
    private readonly int _totalFiles;
    private long _bytes;
    private int _files;

    public SnapshotProgressTracker(IReadOnlyCollection<TreeFile> files, IProgress<SnapshotProgress>? progress, IProgress<DownloadProgress>? fileProgress = null)
    {
        _progress = progress;
        _fileProgress = fileProgress;
        _totalBytes = files.Sum(f => f.ContentSize);
        _totalFiles = files.Count;
    }

    /// <summary>Reports the starting point (nothing done yet).</summary>
    public void Start()
    {
        lock (_lock) Report();
    }

    /// <summary>A per-file progress that feeds the totals (and the per-file listener), or null when nobody listens.</summary>
    public FileProgress? ForFile() => _progress is null && _fileProgress is null ? null : new FileProgress(this);

    /// <summary>A file is in place: its bytes count in full (whatever its own reports said) and one more file is done.</summary>
    public void Completed(TreeFile file, FileProgress? fileProgress)
    {
        lock (_lock)
        {
            _bytes += file.ContentSize - (fileProgress?.Reported ?? 0);
            _files++;
            Report();
        }
        // The per-file listener hears "complete" once: from the transfer's last report, or from here (a cached file, a link).
        if (fileProgress?.Last != file.ContentSize)
        {
            _fileProgress?.Report(new DownloadProgress(file.Path, file.ContentSize, file.ContentSize) { BytesReused = fileProgress?.Reused ?? 0 });
        }
    }

    private void Add(long delta)
    {
        lock (_lock)
        {
            _bytes += delta;
            Report();
        }
    }

    private void Report() => _progress?.Report(new SnapshotProgress(_bytes, _totalBytes, _files, _totalFiles));

    /// <summary>
    /// Turns one file's absolute byte counts into changes of the snapshot's total. The total only grows: a file that starts
    /// over (a server ignoring the resume's Range) counts again only past the furthest point it had reached.
    /// </summary>
    internal sealed class FileProgress(SnapshotProgressTracker tracker) : IProgress<DownloadProgress>
    {
        private long _reported;
        private long _last = -1;
        private long _reused;

        /// <summary>The bytes of this file already counted in the total (the furthest it got).</summary>
        public long Reported => Interlocked.Read(ref _reported);

        /// <summary>The file's <see cref="DownloadProgress.BytesDownloaded"/> as last reported (-1 before any report).</summary>
        public long Last => Interlocked.Read(ref _last);

        /// <summary>The file's <see cref="DownloadProgress.BytesReused"/> as last reported.</summary>
        public long Reused => Interlocked.Read(ref _reused);

        public void Report(DownloadProgress value)
        {
            Interlocked.Exchange(ref _reused, value.BytesReused);
            Interlocked.Exchange(ref _last, value.BytesDownloaded);
            long previous = Interlocked.Read(ref _reported);
            while (value.BytesDownloaded > previous)
            {
                long seen = Interlocked.CompareExchange(ref _reported, value.BytesDownloaded, previous);
                if (seen == previous)
                {
                    tracker.Add(value.BytesDownloaded - previous);
                    break;
                }
                previous = seen;
            }
            tracker._fileProgress?.Report(value);
        }
    }
}
