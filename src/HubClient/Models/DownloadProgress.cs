namespace HubClient;

/// <summary>Progress of a download, reported through <see cref="IProgress{T}"/>.</summary>
/// <param name="Path">The file's path in the repository.</param>
/// <param name="BytesDownloaded">Bytes of the file now on disk and verified or being verified (a resumed prefix counts).</param>
/// <param name="TotalBytes">The file's size, when known.</param>
public readonly record struct DownloadProgress(string Path, long BytesDownloaded, long? TotalBytes);
