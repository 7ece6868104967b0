namespace HubClient;

/// <summary>
/// A snapshot's commit and the files listed at it, and whether the cache answered (with the hub's error, if any).
/// <see cref="Files"/> is null only when the cache answered and holds the revision's commit but not its listing (a cache
/// filled file by file, or by an older client): the snapshot folder then cannot be checked for completeness.
/// </summary>
internal sealed record SnapshotListing(string Commit, IReadOnlyList<TreeFile>? Files, bool FromCache, Exception? Cause)
{
    /// <summary>
    /// The cache does not know the revision's commit (<see cref="Commit"/> is then the revision as asked), but the
    /// download's local directory holds files: it is the answer, unchecked.
    /// </summary>
    public bool CommitUnknown { get; init; }

    /// <summary>The listing, or <see cref="LocalEntryNotFoundException"/> when the cache holds none.</summary>
    public IReadOnlyList<TreeFile> RequireFiles(string repoId, string treeFolder) =>
        Files ?? throw SnapshotListingResolver.ListingNotCached(repoId, Commit, treeFolder, Cause);
}

/// <summary>
/// Resolves what a snapshot is — the revision's commit and that commit's file listing — the one way both
/// <see cref="SnapshotDownloader"/> and <see cref="SnapshotPlanner"/> need it, through the <see cref="DownloadResolver"/>:
/// online, the commit from the repo info (none needed for a 40-hex revision) and the listing from <c>trees/{commit}.json</c>
/// or the hub's recursive tree; offline or with the hub unreachable, the commit from <c>refs/</c> and the cached listing.
/// </summary>
internal sealed class SnapshotListingResolver(RepoApiClient repoApi, DownloadResolver resolver)
{

    /// <summary>
    /// The listing the download uses: <paramref name="treeFolder"/> is where <c>trees/{commit}.json</c> lives (the repo
    /// folder, or a local directory's <c>.cache/huggingface</c>); <paramref name="cacheListing"/> says whether a listing
    /// fetched from the hub is written there (not by a plan); <paramref name="folderIfUnheld"/> is a folder that answers,
    /// unchecked, when the cache must answer and does not know the revision's commit but the folder holds files (a local
    /// directory: huggingface_hub returns it then); the rest as <see cref="DownloadResolver.ResolveAsync"/>.
    /// </summary>
    /// <exception cref="LocalEntryNotFoundException">The cache must answer and does not hold the revision or its listing.</exception>
    public Task<SnapshotListing> ResolveAsync(
        RepoType repoType, string repoId, string revision, RepoCacheLayout layout, string treeFolder, string? folderIfUnheld, bool localFilesOnly, bool force,
        bool cacheListing, CancellationToken cancellationToken) =>
        resolver.ResolveAsync(
            localFilesOnly, force,
            async ct =>
            {
                string commit = Revision.IsCommitHash(revision) ? revision : await ResolveCommitAsync(repoType, repoId, revision, ct).ConfigureAwait(false);
                IReadOnlyList<TreeFile> files = TreeCache.Read(treeFolder, commit)
                    ?? await ListAsync(repoType, repoId, commit, cacheListing ? treeFolder : null, ct).ConfigureAwait(false);
                return new SnapshotListing(commit, files, FromCache: false, Cause: null);
            },
            (cause, mayUseHeld) => Held(layout, treeFolder, folderIfUnheld, repoId, revision, cause, mayUseHeld),
            cancellationToken);

    private async Task<string> ResolveCommitAsync(RepoType repoType, string repoId, string revision, CancellationToken cancellationToken)
    {
        RepoInfo info = await repoApi.GetRepoInfoAsync(repoType, repoId, revision, filesMetadata: false, [], cancellationToken).ConfigureAwait(false);
        return info.Sha ?? throw new HubProtocolException($"The repo info of {repoId}@{revision} has no commit id.", null);
    }

    private async Task<IReadOnlyList<TreeFile>> ListAsync(RepoType repoType, string repoId, string commit, string? treeFolder, CancellationToken cancellationToken)
    {
        var files = new List<TreeFile>();
        long total = 0;
        await foreach (RepoTreeEntry entry in repoApi.ListTree(repoType, repoId, commit, path: null, recursive: true, expand: false, cancellationToken).ConfigureAwait(false))
        {
            if (entry is not RepoFile file) continue;
            files.Add(TreeFile.From(file));
            // Each size is at most 2^50 (checked with the page): the sum is checked here, before plans and progress add it up.
            if ((total += file.Size) > FileSizeLimit.MaxListingSize)
            {
                throw new HubProtocolException($"The file list of {repoId}@{commit} adds up to more than 2^62 bytes.", null);
            }
        }
        if (treeFolder is not null) TreeCache.Write(treeFolder, commit, files);
        return files;
    }

    /// <summary>The listing as the cache holds it, or <see cref="LocalEntryNotFoundException"/> (the hub's own error when the repository is missing or private).</summary>
    private static SnapshotListing Held(
        RepoCacheLayout layout, string treeFolder, string? folderIfUnheld, string repoId, string revision, Exception? cause, bool mayUseHeld)
    {
        string why = DownloadResolver.WhyOffline(cause);
        string? commit = mayUseHeld ? CacheLookup.ResolveCommit(layout, revision) : null;
        if (commit is not null) return new SnapshotListing(commit, TreeCache.Read(treeFolder, commit), FromCache: true, cause);
        if (mayUseHeld && folderIfUnheld is not null && EntryPresence.HoldsAnything(folderIfUnheld))
        {
            return new SnapshotListing(revision, Files: null, FromCache: true, cause) { CommitUnknown = true };
        }

        DownloadResolver.ThrowIfAccessError(cause);
        throw new LocalEntryNotFoundException(
            !mayUseHeld ? $"{repoId}@{revision} must be downloaded again (ForceDownload), and {why}."
            : $"Revision '{revision}' of {repoId} is not in the cache at {layout.RepoDirectory}, and {why}.",
            [], cause);
    }

    /// <summary>The error for a held revision whose file list the cache does not hold (and whose snapshot folder is no answer either).</summary>
    internal static LocalEntryNotFoundException ListingNotCached(string repoId, string commit, string treeFolder, Exception? cause)
    {
        DownloadResolver.ThrowIfAccessError(cause);
        return new LocalEntryNotFoundException(
            $"The file list of {repoId}@{commit} is not cached ({TreeCache.PathFor(treeFolder, commit)}) and no files of that snapshot are, and {DownloadResolver.WhyOffline(cause)}.",
            [], cause);
    }
}
