namespace HubClient;

/// <summary>
/// What <see cref="HubCache.Scan"/> found in a hub cache: repositories, their revisions and files, partial downloads, and
/// warnings about anything malformed. A snapshot: it does not change when the cache does.
/// </summary>
public sealed class HubCacheInfo
{
    internal HubCacheInfo(string cacheDirectory, IReadOnlyList<CachedRepo> repos, IReadOnlyList<CachedIncompleteDownload> incompleteDownloads, IReadOnlyList<CacheWarning> warnings, SharedStoreUsage sharedStore = default)
    {
        _sharedStore = sharedStore;
        CacheDirectory = cacheDirectory;
        Repos = repos;
        IncompleteDownloads = incompleteDownloads;
        Warnings = warnings;
    }

    private readonly SharedStoreUsage _sharedStore;

    /// <summary>The cache folder that was scanned (full path).</summary>
    public string CacheDirectory { get; }

    /// <summary>The cached repositories, sorted by folder name.</summary>
    public IReadOnlyList<CachedRepo> Repos { get; }

    /// <summary>
    /// The bytes of blobs on disk, each counted once: the sum of <see cref="CachedRepo.SizeOnDisk"/>, except that a payload
    /// of the shared blob store is counted once however many repositories link to it, and payloads no repository links to
    /// any more are included (what the disk holds; huggingface_hub's <c>scan_cache_dir</c> without store support counts a
    /// payload once per repository linking to it, skips unlinked ones and warns about <c>{cache}/blobs/</c>).
    /// </summary>
    public long SizeOnDisk => Repos.Sum(r => r.SizeOnDisk) - _sharedStore.LinkedBytes + _sharedStore.StoreBytes;

    /// <summary>
    /// The bytes of the payloads in the cache-wide shared blob store (<c>{cache}/blobs/</c>, huggingface_hub releases after
    /// 1.28); 0 when the cache has none.
    /// </summary>
    public long SharedBlobStoreSize => _sharedStore.StoreBytes;

    /// <summary>
    /// The bytes the shared blob store saves: what the repositories' links into it would take as copies, beyond one copy
    /// of each payload.
    /// </summary>
    public long SharedBlobStoreSavedBytes => _sharedStore.SavedBytes;

    /// <summary>Partial downloads in any repo's <c>blobs/</c>, running or interrupted.</summary>
    public IReadOnlyList<CachedIncompleteDownload> IncompleteDownloads { get; }

    /// <summary>The bytes of <see cref="IncompleteDownloads"/>.</summary>
    public long IncompleteSizeOnDisk => IncompleteDownloads.Sum(i => i.SizeOnDisk);

    /// <summary>Everything malformed the scan stepped over, in the order found.</summary>
    public IReadOnlyList<CacheWarning> Warnings { get; }

    /// <summary>The cached repository, or null.</summary>
    /// <param name="repoId">The repo id, <c>namespace/name</c> or <c>name</c>.</param>
    /// <param name="repoType">The repository type.</param>
    public CachedRepo? FindRepo(string repoId, RepoType repoType = RepoType.Model) =>
        Repos.FirstOrDefault(r => r.RepoType == repoType && string.Equals(r.RepoId, repoId, StringComparison.Ordinal));

    /// <summary>
    /// Plans the deletion of cached revisions, by commit hash, across repositories (as huggingface_hub's
    /// <c>delete_revisions</c>). A repository whose every revision goes is removed whole; otherwise the plan removes the
    /// snapshot folders, the refs pointing at them and the blobs no remaining revision uses. Nothing is deleted until
    /// <see cref="CacheDeletePlan.Execute"/>; commits not in the cache are listed in <see cref="CacheDeletePlan.RevisionsNotFound"/>.
    /// </summary>
    /// <param name="commits">40-hex commit hashes (snapshot folder names).</param>
    public CacheDeletePlan DeleteRevisions(params string[] commits)
    {
        ArgumentNullException.ThrowIfNull(commits);
        return CacheDeletePlanner.ForRevisions(this, commits);
    }

    /// <summary>
    /// Plans the removal of whole repositories: exactly their folders, whatever other folders share their commits. Nothing
    /// is deleted until <see cref="CacheDeletePlan.Execute"/>.
    /// </summary>
    /// <param name="repos">Repositories of this scan (<see cref="Repos"/>, <see cref="FindRepo"/>).</param>
    /// <exception cref="ArgumentException">A repository is not one of this scan's.</exception>
    public CacheDeletePlan DeleteRepos(params CachedRepo[] repos) => Delete(repos, []);

    /// <summary>
    /// Plans in one go the removal of whole repositories (<see cref="DeleteRepos"/>) and of revisions by commit in the
    /// other repositories (<see cref="DeleteRevisions"/>).
    /// </summary>
    /// <param name="repos">Repositories of this scan, removed whole.</param>
    /// <param name="commits">40-hex commit hashes; those of the repositories above are already covered.</param>
    /// <exception cref="ArgumentException">A repository is not one of this scan's.</exception>
    public CacheDeletePlan Delete(IEnumerable<CachedRepo> repos, IEnumerable<string> commits)
    {
        ArgumentNullException.ThrowIfNull(repos);
        ArgumentNullException.ThrowIfNull(commits);
        return CacheDeletePlanner.For(this, repos, commits);
    }

    /// <summary>
    /// Plans a clean-up: partial downloads (and their sidecars) and set-aside corrupt blobs not written to for
    /// <see cref="CachePruneOptions.OlderThan"/>, detached revisions (no ref points at them), and payloads of the shared blob
    /// store that no repo blob links to any more (whose <c>.refs</c> manifest is readable and lists no valid link). Nothing is deleted until
    /// <see cref="CacheDeletePlan.Execute"/>, which also skips partials whose download is still running.
    /// </summary>
    /// <param name="options">What to prune; defaults prune everything older than a day.</param>
    public CacheDeletePlan Prune(CachePruneOptions? options = null) => CacheDeletePlanner.ForPrune(this, options ?? new CachePruneOptions());
}

/// <summary>The shared blob store's share of a scan: its payloads, the repo blobs linking into it, and the bytes saved.</summary>
internal readonly record struct SharedStoreUsage(long StoreBytes, long LinkedBytes, long SavedBytes);
