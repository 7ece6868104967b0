namespace HubClient;

/// <summary>A cached repository: the folder <c>{type}s--{namespace}--{name}</c> and its revisions.</summary>
public sealed class CachedRepo
{
    internal CachedRepo(
        RepoType repoType, string repoId, string repoPath, IReadOnlyList<CachedRevision> revisions, long sizeOnDisk, int fileCount,
        DateTimeOffset lastAccessed, DateTimeOffset lastModified, IReadOnlyList<BrokenEntry> brokenEntries)
    {
        RepoType = repoType;
        RepoId = repoId;
        RepoPath = repoPath;
        Revisions = revisions;
        SizeOnDisk = sizeOnDisk;
        FileCount = fileCount;
        LastAccessed = lastAccessed;
        LastModified = lastModified;
        BrokenEntries = brokenEntries;
        var refs = new SortedDictionary<string, CachedRevision>(StringComparer.Ordinal);
        foreach (CachedRevision revision in revisions)
        {
            foreach (string name in revision.Refs) refs[name] = revision;
        }
        Refs = refs;
    }

    /// <summary>The repository type.</summary>
    public RepoType RepoType { get; }

    /// <summary>The repo id, <c>namespace/name</c> or <c>name</c>.</summary>
    public string RepoId { get; }

    /// <summary>The repo folder in the cache.</summary>
    public string RepoPath { get; }

    /// <summary>The cached revisions, sorted by commit.</summary>
    public IReadOnlyList<CachedRevision> Revisions { get; }

    /// <summary>The refs (branches, tags, <c>refs/pr/N</c>) and the revision each points at.</summary>
    public IReadOnlyDictionary<string, CachedRevision> Refs { get; }

    /// <summary>
    /// Bytes of the distinct blobs the revisions use: a blob shared by several revisions counts once (so this can be less
    /// than the sum over revisions). In copy mode every snapshot file is its own blob. Partial downloads are not included
    /// (see <see cref="HubCacheInfo.IncompleteDownloads"/>).
    /// </summary>
    public long SizeOnDisk { get; }

    /// <summary>The number of distinct blobs the revisions use (as huggingface_hub's <c>nb_files</c>).</summary>
    public int FileCount { get; }

    /// <summary>The latest access time of its blobs, or of the repo folder when there are none.</summary>
    public DateTimeOffset LastAccessed { get; }

    /// <summary>The latest write time of its blobs, or of the repo folder when there are none.</summary>
    public DateTimeOffset LastModified { get; }

    /// <summary>Snapshot entries whose blob is missing, for verification.</summary>
    internal IReadOnlyList<BrokenEntry> BrokenEntries { get; }

    /// <inheritdoc />
    public override string ToString() => $"{RepoType.Plural()}/{RepoId}";
}

/// <summary>A snapshot symlink whose target does not exist.</summary>
internal sealed record BrokenEntry(string SnapshotPath, string? TargetPath);
