namespace HubClient;

/// <summary>
/// A partial download left in <c>blobs/</c>: <c>{etag}.incomplete</c> (resumable) or <c>{etag}.{random}.incomplete</c>
/// (a writer's private temp file), with its sidecar files if any. It belongs to a running download or to one that was
/// interrupted; <see cref="HubCacheInfo.Prune"/> removes the stale ones.
/// </summary>
public sealed class CachedIncompleteDownload
{
    internal CachedIncompleteDownload(string repoPath, string filePath, long sizeOnDisk, DateTimeOffset lastModified, IReadOnlyList<string> sidecars)
    {
        RepoPath = repoPath;
        FilePath = filePath;
        SizeOnDisk = sizeOnDisk;
        LastModified = lastModified;
        Sidecars = sidecars;
    }

    /// <summary>The repo folder it is in.</summary>
    public string RepoPath { get; }

    /// <summary>The partial file.</summary>
    public string FilePath { get; }

    /// <summary>The etag of the blob being downloaded (the file name up to its first dot).</summary>
    public string Etag => RepoCacheLayout.EtagOf(Path.GetFileName(FilePath));

    /// <summary>Whether this is the shared resumable partial <c>{etag}.incomplete</c> that the next download continues.</summary>
    public bool IsResumable => RepoCacheLayout.IsResumableIncomplete(Path.GetFileName(FilePath));

    /// <summary>Bytes of the partial and its sidecars.</summary>
    public long SizeOnDisk { get; }

    /// <summary>The latest write time of the partial and its sidecars.</summary>
    public DateTimeOffset LastModified { get; }

    /// <summary>Files that belong to the partial (their names start with its name, as <c>{etag}.incomplete.json</c>).</summary>
    public IReadOnlyList<string> Sidecars { get; }

    /// <inheritdoc />
    public override string ToString() => FilePath;
}
