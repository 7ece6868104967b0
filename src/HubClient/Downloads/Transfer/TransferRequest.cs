namespace HubClient;

/// <summary>One file's content to bring into a partial file: where the bytes are and what they must hash to.</summary>
/// <param name="RepoPath">The file's path in its repository (messages, logs, progress).</param>
/// <param name="Location">Where the bytes are: the resolve URL (which may redirect) or a CDN URL.</param>
/// <param name="Etag">The hub's etag: SHA-256 (64 hex) or git blob SHA-1 (40 hex) of the content; anything else is checked by size only.</param>
/// <param name="Size">The content's size in bytes.</param>
/// <param name="Progress">Receives bytes done and total.</param>
/// <param name="RefreshLocation">Asks the hub again for a location when a signed one expired (403/410); null when it cannot.</param>
/// <param name="Xet">Where the file is in Xet storage (repo, commit, Xet hash), when the hub stores it there.</param>
internal sealed record TransferRequest(
    string RepoPath,
    Uri Location,
    string Etag,
    long Size,
    IProgress<DownloadProgress>? Progress,
    Func<CancellationToken, Task<Uri>>? RefreshLocation = null,
    Xet.XetFileRequest? Xet = null);
