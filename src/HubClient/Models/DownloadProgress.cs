namespace HubClient;

/// <summary>Progress of a download, reported through <see cref="IProgress{T}"/>.</summary>
/// <param name="Path">The file's path in the repository.</param>
/// <param name="BytesDownloaded">Bytes of the file now on disk and verified or being verified (a resumed prefix counts).</param>
/// <param name="TotalBytes">The file's size, when known.</param>
public readonly record struct DownloadProgress(string Path, long BytesDownloaded, long? TotalBytes)
{
    /// <summary>
    /// The part of <see cref="BytesDownloaded"/> copied from Xet chunks the cache already held (another revision or
    /// repository of a file that shares them) instead of fetched; 0 for files fetched whole.
    /// </summary>
    public long BytesReused { get; init; }
}
