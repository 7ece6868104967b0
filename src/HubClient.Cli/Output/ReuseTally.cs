namespace HubClient.Cli.Output;

/// <summary>
/// Passes per-file progress on and keeps, per file, the bytes copied from Xet chunks the cache already held
/// (<see cref="DownloadProgress.BytesReused"/>), so the summary can tell bytes fetched from bytes reused. One file's reports
/// arrive in order (the library reports each file's progress one at a time).
/// </summary>
internal sealed class ReuseTally(IProgress<DownloadProgress>? inner) : IProgress<DownloadProgress>
{
    private readonly Dictionary<string, long> _reused = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Bytes reused over all files so far.</summary>
    public long Reused
    {
        get
        {
            lock (_lock) return _reused.Values.Sum();
        }
    }

    public void Report(DownloadProgress value)
    {
        lock (_lock)
        {
            // The latest report, not the largest: a file's reuse falls when a refetch takes copied bytes back.
            _reused[value.Path] = value.BytesReused;
        }
        inner?.Report(value);
    }

    /// <summary>"Y reused from Xet chunks already in the cache", the summary's wording for <paramref name="reused"/> bytes.</summary>
    public static string Summary(long reused) => $"{ByteSize.Format(reused)} reused from Xet chunks already in the cache";

    /// <summary>" (X fetched, Y reused from the cache)" for a file of <paramref name="size"/> bytes, or "" when nothing was reused.</summary>
    public static string Describe(long size, long reused) =>
        reused <= 0 ? "" : $": {ByteSize.Format(Math.Max(0, size - reused))} fetched, {ByteSize.Format(reused)} reused from the cache";
}
