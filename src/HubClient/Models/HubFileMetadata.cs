namespace HubClient;

/// <summary>What the hub says about one file at one revision (the answer to a HEAD on its resolve URL).</summary>
/// <param name="CommitHash">The 40-hex commit the revision resolved to.</param>
/// <param name="Etag">The normalised etag: SHA-256 (64 hex) for LFS files, git blob SHA-1 (40 hex) for regular files.</param>
/// <param name="Size">The file's size in bytes.</param>
/// <param name="Location">Where the bytes are: the CDN URL for LFS files, the resolve URL otherwise.</param>
/// <param name="IsLfs">Whether the file is stored in LFS/Xet (the hub answered with a linked etag).</param>
/// <param name="XetHash">The Xet hash, when the hub announced one.</param>
public sealed record HubFileMetadata(string CommitHash, string Etag, long Size, Uri Location, bool IsLfs, string? XetHash = null);
