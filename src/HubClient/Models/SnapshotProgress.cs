namespace HubClient;

/// <summary>Progress of a snapshot download, aggregated over all its files (see <see cref="SnapshotDownloadOptions.Progress"/>).</summary>
/// <param name="BytesDownloaded">Bytes of the selected files that are on disk: cached files count in full, files in flight as far as they got.</param>
/// <param name="TotalBytes">The size of all selected files.</param>
/// <param name="FilesCompleted">Selected files in place (cached or downloaded and verified).</param>
/// <param name="TotalFiles">How many files the patterns selected.</param>
public readonly record struct SnapshotProgress(long BytesDownloaded, long TotalBytes, int FilesCompleted, int TotalFiles);
