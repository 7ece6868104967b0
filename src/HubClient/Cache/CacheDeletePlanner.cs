namespace HubClient;

/// <summary>Works out what a deletion of revisions, or a prune, removes (huggingface_hub's <c>DeleteCacheStrategy</c>).</summary>
internal static class CacheDeletePlanner
{
    public static CacheDeletePlan ForRevisions(HubCacheInfo info, IEnumerable<string> commits) => For(info, [], commits);

    /// <summary>
    /// Whole repo folders by identity (never by commit: one history cached under two folders, or under two casings of a
    /// repo id, must not take the other folder with it), plus revisions by commit in the remaining repos.
    /// </summary>
    public static CacheDeletePlan For(HubCacheInfo info, IEnumerable<CachedRepo> repos, IEnumerable<string> commits)
    {
        var wholeRepos = new HashSet<string>(StringComparer.Ordinal);
        var items = new List<PlannedDeletion>();
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (CachedRepo repo in repos)
        {
            if (!info.Repos.Any(r => string.Equals(r.RepoPath, repo.RepoPath, StringComparison.Ordinal)))
            {
                throw new ArgumentException($"'{repo.RepoPath}' is not a repository of the scanned cache '{info.CacheDirectory}'.", nameof(repos));
            }
            if (!wholeRepos.Add(repo.RepoPath)) continue;
            found.UnionWith(repo.Revisions.Select(r => r.CommitHash));
            items.Add(new PlannedDeletion(PlannedKind.Repo, repo.RepoPath, SafeDelete.SizeOf(repo.RepoPath), Seen: CacheDeleteRun.SeenRevisions(repo)));
        }

        var wanted = new HashSet<string>(commits, StringComparer.Ordinal);
        foreach (CachedRepo repo in info.Repos.Where(r => !wholeRepos.Contains(r.RepoPath)))
        {
            CachedRevision[] going = repo.Revisions.Where(r => wanted.Contains(r.CommitHash)).ToArray();
            found.UnionWith(going.Select(r => r.CommitHash));
            PlanRevisions(info, repo, going, wholeRepoAllowed: true, items);
        }
        string[] notFound = wanted.Where(c => !found.Contains(c)).Order(StringComparer.Ordinal).ToArray();
        PlanSharedBlobs(info.CacheDirectory, items);
        return new CacheDeletePlan(info.CacheDirectory, items, notFound, incompleteCutoff: null);
    }

    public static CacheDeletePlan ForPrune(HubCacheInfo info, CachePruneOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.OlderThan, TimeSpan.Zero, nameof(options));
        DateTimeOffset now = options.TimeProvider.GetUtcNow();
        // An age longer than the calendar goes back ("keep every partial": TimeSpan.MaxValue) keeps everything: no write is older.
        DateTimeOffset cutoff = options.OlderThan >= now - DateTimeOffset.MinValue ? DateTimeOffset.MinValue : now - options.OlderThan;
        var items = new List<PlannedDeletion>();

        // A partial whose blob has been published since (by another process or client) is never resumed: stale at any age.
        var staleIncomplete = info.IncompleteDownloads.Where(i => i.LastModified < cutoff || SupersededPartial.Check(i.FilePath)).ToList();
        if (options.DetachedRevisions)
        {
            foreach (CachedRepo repo in info.Repos.Where(r => !RefsUnreadable(info, r)))
            {
                // A repo with a download under way is never removed whole, even if all its revisions are detached; nor is
                // one whose ref names a commit with no snapshot folder (a missing file recorded in .no_exist, a snapshot
                // into a local folder, a download stopped early): the ref is live, only the revisions it left behind go.
                bool busy = info.IncompleteDownloads.Any(i => i.RepoPath == repo.RepoPath && i.LastModified >= cutoff);
                PlanRevisions(info, repo, repo.Revisions.Where(r => r.IsDetached).ToArray(), wholeRepoAllowed: !busy && !RefToMissingSnapshot(info, repo), items);
            }
        }
        var wholeRepos = new HashSet<string>(items.Where(i => i.Kind == PlannedKind.Repo).Select(i => i.Path), StringComparer.Ordinal);
        foreach (CachedIncompleteDownload partial in staleIncomplete.Where(i => !wholeRepos.Contains(i.RepoPath)))
        {
            items.Add(new PlannedDeletion(PlannedKind.Incomplete, partial.FilePath, SizeOf(partial.FilePath), partial.FilePath));
            items.AddRange(partial.Sidecars.Select(s => new PlannedDeletion(PlannedKind.Incomplete, s, SizeOf(s), partial.FilePath)));
        }
        foreach (CacheWarning setAside in info.Warnings.Where(w => w.Kind == CacheWarningKind.SetAsideBlob))
        {
            var file = new FileInfo(setAside.Path);
            string repoPath = Path.GetDirectoryName(Path.GetDirectoryName(setAside.Path))!;
            if (file.Exists && file.LastWriteTimeUtc < cutoff.UtcDateTime && !wholeRepos.Contains(repoPath))
            {
                items.Add(new PlannedDeletion(PlannedKind.SetAside, setAside.Path, SizeOf(setAside.Path)));
            }
        }
        PlanSharedBlobs(info.CacheDirectory, items);
        PlanUnreferencedSharedBlobs(info.CacheDirectory, items);
        return new CacheDeletePlan(info.CacheDirectory, items, [], cutoff);
    }

    /// <summary>
    /// The shared-store entries that the planned repo blobs (and the blobs of repos removed whole) link to: each is swept
    /// after the links go, and collected only if no valid reference remains. The bytes expected are the entry's size when
    /// every reference its manifest lists is planned for deletion, else 0 (huggingface_hub's <c>DeleteCacheStrategy</c>).
    /// </summary>
    private static void PlanSharedBlobs(string cacheDirectory, List<PlannedDeletion> items)
    {
        var store = new SharedBlobStore(cacheDirectory);
        if (!store.Exists) return;
        var links = new HashSet<string>(items.Where(i => i.Kind == PlannedKind.Blob).Select(i => Path.GetFullPath(i.Path)), StringComparer.Ordinal);
        foreach (PlannedDeletion repo in items.Where(i => i.Kind == PlannedKind.Repo))
        {
            string blobs = Path.Combine(repo.Path, "blobs");
            if (!SharedBlobStore.IsDirectory(blobs)) continue;
            try
            {
                links.UnionWith(Directory.EnumerateFileSystemEntries(blobs).Select(Path.GetFullPath));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Unreadable: its links (if any) are not swept; their entries are kept, never lost.
            }
        }
        var entries = new SortedSet<string>(links.Select(store.TargetOf).OfType<string>(), StringComparer.Ordinal);
        items.AddRange(entries.Select(e => new PlannedDeletion(PlannedKind.SharedBlob, e, store.ExpectedFreedSize(e, links))));
    }

    /// <summary>
    /// Shared-store payloads no repo blob links to any more (their repo folders were deleted by hand, say): their manifest
    /// is readable and lists no valid reference (huggingface_hub's <c>unreferenced_shared_blobs</c>). A payload whose
    /// manifest is missing or unreadable is never listed.
    /// </summary>
    private static void PlanUnreferencedSharedBlobs(string cacheDirectory, List<PlannedDeletion> items)
    {
        var store = new SharedBlobStore(cacheDirectory);
        var planned = new HashSet<string>(items.Where(i => i.Kind == PlannedKind.SharedBlob).Select(i => i.Path), StringComparer.Ordinal);
        foreach (FileInfo entry in store.Entries().OrderBy(e => e.FullName, StringComparer.Ordinal))
        {
            if (planned.Contains(entry.FullName)) continue;
            if (SharedBlobManifest.ReadValidReferences(store, entry.FullName) is { Count: 0 }) items.Add(new PlannedDeletion(PlannedKind.SharedBlob, entry.FullName, entry.Length));
        }
    }

    private static void PlanRevisions(HubCacheInfo info, CachedRepo repo, CachedRevision[] going, bool wholeRepoAllowed, List<PlannedDeletion> items)
    {
        if (going.Length == 0) return;
        if (wholeRepoAllowed && going.Length == repo.Revisions.Count)
        {
            items.Add(new PlannedDeletion(PlannedKind.Repo, repo.RepoPath, SafeDelete.SizeOf(repo.RepoPath), Seen: CacheDeleteRun.SeenRevisions(repo)));
            return;
        }

        string blobsPath = Path.Combine(repo.RepoPath, "blobs");
        var goingCommits = new HashSet<string>(going.Select(r => r.CommitHash), StringComparer.Ordinal);
        var stillUsed = new HashSet<string>(
            repo.Revisions.Where(r => !goingCommits.Contains(r.CommitHash)).SelectMany(r => r.Files).Select(f => f.BlobPath), StringComparer.Ordinal);
        // A remaining revision the scan could not read may link any blob: the snapshots go, every blob stays.
        bool blobsUnknown = UnreadableSnapshotFolders(info, repo).Any(folder => !going.Any(r => PathContainment.IsSameOrBelow(folder, r.SnapshotPath)));
        var plannedBlobs = new HashSet<string>(StringComparer.Ordinal);
        foreach (CachedRevision revision in going)
        {
            // Copy-mode files live inside the snapshot folder and go with it.
            long inSnapshot = revision.Files.Where(f => !f.IsSymbolicLink).Sum(f => f.SizeOnDisk);
            items.Add(new PlannedDeletion(PlannedKind.Snapshot, revision.SnapshotPath, inSnapshot));
            items.AddRange(revision.Refs.Select(name =>
                new PlannedDeletion(PlannedKind.Ref, Path.Combine([repo.RepoPath, "refs", .. name.Split('/')]), 0, Seen: revision.CommitHash)));
            foreach (string extra in new[] { Path.Combine(repo.RepoPath, ".no_exist", revision.CommitHash), Path.Combine(repo.RepoPath, "trees", revision.CommitHash + ".json") })
            {
                if (SafeDelete.Exists(extra)) items.Add(new PlannedDeletion(PlannedKind.Other, extra, SafeDelete.SizeOf(extra)));
            }
            foreach (CachedFile file in revision.Files)
            {
                // Only blobs in this repo's blobs/ are ever deleted: a link to anywhere else is never followed.
                if (!file.IsSymbolicLink || !PathContainment.IsDirectChild(file.BlobPath, blobsPath)) continue;
                if (blobsUnknown || stillUsed.Contains(file.BlobPath) || !plannedBlobs.Add(file.BlobPath)) continue;
                // A link into the shared blob store frees nothing itself; its entry is planned separately.
                items.Add(new PlannedDeletion(PlannedKind.Blob, file.BlobPath, file.SharedBlobPath is null ? file.SizeOnDisk : 0));
                // The blob's Xet reconstruction record (delta downloads) goes with it.
                string record = HubClient.Xet.XetBlobRecords.PathFor(repo.RepoPath, Path.GetFileName(file.BlobPath));
                foreach (string kept in new[] { record, HubClient.Xet.XetBlobRecords.XorbListPathFor(record) })
                {
                    if (SafeDelete.Exists(kept)) items.Add(new PlannedDeletion(PlannedKind.Other, kept, SafeDelete.SizeOf(kept)));
                }
            }
        }
    }

    /// <summary>
    /// Whether a ref file or the refs folder of <paramref name="repo"/> could not be read: which revisions are detached is then
    /// unknown, so prune leaves the repo's revisions alone (huggingface_hub's scan skips such a repo as corrupted).
    /// </summary>
    private static bool RefsUnreadable(HubCacheInfo info, CachedRepo repo) =>
        WarningsIn(info, repo, "refs").Any(w => w.Kind is CacheWarningKind.InvalidRef or CacheWarningKind.UnreadableFolder);

    /// <summary>Whether a ref of <paramref name="repo"/> names a commit that has no snapshot folder.</summary>
    private static bool RefToMissingSnapshot(HubCacheInfo info, CachedRepo repo) =>
        WarningsIn(info, repo, "refs").Any(w => w.Kind == CacheWarningKind.RefToMissingSnapshot);

    /// <summary>The folders in <paramref name="repo"/>'s <c>snapshots/</c> (or that folder itself) that the scan could not read.</summary>
    private static IEnumerable<string> UnreadableSnapshotFolders(HubCacheInfo info, CachedRepo repo) =>
        WarningsIn(info, repo, "snapshots").Where(w => w.Kind == CacheWarningKind.UnreadableFolder).Select(w => w.Path);

    /// <summary>The scan's warnings about <paramref name="folder"/> of <paramref name="repo"/> or anything below it.</summary>
    private static IEnumerable<CacheWarning> WarningsIn(HubCacheInfo info, CachedRepo repo, string folder)
    {
        string path = Path.Combine(repo.RepoPath, folder);
        return info.Warnings.Where(w => PathContainment.IsSameOrBelow(w.Path, path));
    }

    private static long SizeOf(string path) => SafeDelete.SizeOf(path);
}
