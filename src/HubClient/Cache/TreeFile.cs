namespace HubClient;

/// <summary>One file of a commit's tree listing, with what a download needs: size and hashes.</summary>
/// <param name="Path">The path in the repository.</param>
/// <param name="Size">The size the listing gives.</param>
/// <param name="BlobId">The git blob id (SHA-1), the etag of a regular file.</param>
/// <param name="LfsSha256">The SHA-256 of an LFS file's content, its etag; null for a regular file.</param>
/// <param name="LfsSize">The LFS object's size.</param>
/// <param name="XetHash">The Xet hash, when stored in Xet.</param>
internal sealed record TreeFile(string Path, long Size, string BlobId, string? LfsSha256 = null, long? LfsSize = null, string? XetHash = null)
{
    /// <summary>The name of the file's blob in the cache: the SHA-256 for LFS files, the git blob id otherwise (as the hub's etag).</summary>
    public string Etag => LfsSha256 ?? BlobId;

    /// <summary>The size of the content to download.</summary>
    public long ContentSize => LfsSize ?? Size;

    public bool IsLfs => LfsSha256 is not null;

    /// <summary>What the listing says of the file at <paramref name="commit"/>, as a resolve answer would (no HEAD needed).</summary>
    public HubFileMetadata MetadataAt(string commit, Uri resolveUri) => new(commit, Etag, ContentSize, resolveUri, IsLfs, XetHash);

    public static TreeFile From(RepoFile file) =>
        new(file.Path, file.Size, file.Oid, file.Lfs?.Oid, file.Lfs?.Size, file.XetHash);
}
