namespace HubClient;

/// <summary>
/// Where one repository lives in the hub cache, byte for byte as huggingface_hub lays it out:
/// <c>{cache}/{type}s--{namespace}--{name}/{blobs,refs,snapshots,.no_exist}</c> and <c>{cache}/.locks/{folder}/</c>.
/// </summary>
internal sealed partial class RepoCacheLayout
{
    public RepoCacheLayout(string cacheDirectory, RepoType repoType, string repoId)
    {
        CacheDirectory = Path.GetFullPath(cacheDirectory);
        FolderName = FolderNameFor(repoType, repoId);
        RepoDirectory = Path.Combine(CacheDirectory, FolderName);
    }

    public string CacheDirectory { get; }

    /// <summary><c>models--acme--tiny-model</c>.</summary>
    public string FolderName { get; }

    public string RepoDirectory { get; }

    public string BlobsDirectory => Path.Combine(RepoDirectory, "blobs");

    public string LocksDirectory => Path.Combine(CacheDirectory, ".locks", FolderName);

    public static string FolderNameFor(RepoType repoType, string repoId) =>
        repoType.Plural() + "--" + repoId.Replace("/", "--", StringComparison.Ordinal);

    public string BlobPath(string etag) => Path.Combine(BlobsDirectory, etag);

    /// <summary>The resumable partial of a blob, the name older huggingface_hub versions use too.</summary>
    public string IncompletePath(string etag) => BlobPath(etag) + IncompleteSuffix;

    /// <summary>
    /// The partial of a parallel (multi-range) download: preallocated to the full size with chunks written at their offsets,
    /// so not a prefix — deliberately not named <c>{etag}.incomplete</c>, which older huggingface_hub versions continue by appending.
    /// </summary>
    public string ChunkedPartialPath(string etag) => BlobPath(etag) + ChunkedPartialSuffix;

    /// <summary>The sidecar listing the completed chunks of <see cref="ChunkedPartialPath"/> with their XxHash3 checksums.</summary>
    public string ChunkStatePath(string etag) => BlobPath(etag) + LedgerSuffix;

    /// <summary>A temp file only this call writes: never resumed, deleted when the call ends without publishing it.</summary>
    public string UniqueTempPath(string etag) => BlobPath(etag) + "." + Guid.NewGuid().ToString("N")[..8] + IncompleteSuffix;

    /// <summary>Where the transfer of the blob named <paramref name="etag"/> writes and publishes (a blob of <paramref name="size"/> bytes counts as published).</summary>
    public TransferTarget TransferTarget(string etag, long size) => new(
        BlobPath(etag), IncompletePath(etag), ChunkedPartialPath(etag), ChunkStatePath(etag), LockPath(etag),
        () => UniqueTempPath(etag), () => EntryPresence.IsPresent(BlobPath(etag), size),
        BlobPath(etag) + XetPartialSuffix, BlobPath(etag) + XetLedgerSuffix, Xet.XetBlobRecords.PathFor(RepoDirectory, etag));

    /// <summary>The cached tree listing of a commit, <c>trees/{commit}.json</c>.</summary>
    public string TreePath(string commit) => TreeCache.PathFor(RepoDirectory, commit);

    public string LockPath(string etag) => Path.Combine(LocksDirectory, etag + ".lock");

    public string RefPath(string revision) => Combine(Path.Combine(RepoDirectory, "refs"), revision);

    public string SnapshotDirectory(string commit) => Path.Combine(RepoDirectory, "snapshots", commit);

    public string SnapshotPath(string commit, string repoPath) => Combine(SnapshotDirectory(commit), repoPath);

    public string NoExistPath(string commit, string repoPath) => Combine(Path.Combine(RepoDirectory, ".no_exist", commit), repoPath);

    /// <summary>The relative symlink target from a snapshot entry to its blob: <c>../../blobs/{etag}</c>, one more <c>../</c> per folder.</summary>
    public static string RelativeBlobTarget(string repoPath, string etag)
    {
        int depth = repoPath.Count(c => c == '/');
        return string.Concat(Enumerable.Repeat("../", depth + 2)) + "blobs/" + etag;
    }

    /// <summary>Joins a validated '/'-separated repository path under a folder.</summary>
    private static string Combine(string root, string repoPath) => Path.Combine([root, .. repoPath.Split('/')]);
}
