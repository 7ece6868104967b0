namespace HubClient;

/// <summary>One blob to fetch into a temp file: where the bytes are and what they must hash to.</summary>
internal sealed record BlobDownloadRequest(
    string RepoPath,
    Uri Location,
    string Etag,
    long Size,
    IProgress<DownloadProgress>? Progress,
    Func<CancellationToken, Task<Uri>>? RefreshLocation = null);
