namespace HubClient.Xet;

/// <summary>
/// A Xet-backed file to download: where its read token comes from (repo and revision), its Xet file hash
/// (<c>X-Xet-Hash</c> or a tree entry's <c>xetHash</c>) and its size in bytes (<c>X-Linked-Size</c>).
/// </summary>
internal sealed record XetFileRequest(RepoType RepoType, string RepoId, string Revision, string Path, string XetHash, long Size);
