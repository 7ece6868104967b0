namespace HubClient;

/// <summary>One file of a cached revision: its entry in <c>snapshots/{commit}/</c> and the blob holding its bytes.</summary>
public sealed class CachedFile
{
    internal CachedFile(string repoPath, string filePath, string blobPath, bool isSymbolicLink, long sizeOnDisk, DateTimeOffset blobLastAccessed, DateTimeOffset blobLastModified, string? sharedBlobPath = null)
    {
        SharedBlobPath = sharedBlobPath;
        RepoPath = repoPath;
        FilePath = filePath;
        BlobPath = blobPath;
        IsSymbolicLink = isSymbolicLink;
        SizeOnDisk = sizeOnDisk;
        BlobLastAccessed = blobLastAccessed;
        BlobLastModified = blobLastModified;
    }

    /// <summary>The file's path in the repository, '/'-separated (<c>nested/config.json</c>).</summary>
    public string RepoPath { get; }

    /// <summary>The file's name (<c>config.json</c>).</summary>
    public string FileName => RepoPath[(RepoPath.LastIndexOf('/') + 1)..];

    /// <summary>The entry under <c>snapshots/{commit}/</c>.</summary>
    public string FilePath { get; }

    /// <summary>
    /// The file holding the bytes: <c>blobs/{etag}</c> for a symlink entry, or <see cref="FilePath"/> itself in copy mode
    /// (no symlinks).
    /// </summary>
    public string BlobPath { get; }

    /// <summary>
    /// The payload in the cache-wide shared blob store (<c>{cache}/blobs/{2 hex}/{xet hash}</c>) when
    /// <see cref="BlobPath"/> is a link into it (huggingface_hub releases after 1.28, and HubClient); else null.
    /// </summary>
    public string? SharedBlobPath { get; }

    /// <summary>Whether the snapshot entry is a symlink (false in copy mode).</summary>
    public bool IsSymbolicLink { get; }

    /// <summary>The blob's size in bytes (for a link into the shared blob store, the payload's).</summary>
    public long SizeOnDisk { get; }

    /// <summary>When the blob was last read (as reliable as the file system's access times).</summary>
    public DateTimeOffset BlobLastAccessed { get; }

    /// <summary>When the blob was last written.</summary>
    public DateTimeOffset BlobLastModified { get; }

    /// <inheritdoc />
    public override string ToString() => RepoPath;
}
