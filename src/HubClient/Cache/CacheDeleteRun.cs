namespace HubClient;

/// <summary>Carries out a <see cref="CacheDeletePlan"/>: deletes safely, re-checks what may have changed, and records the outcome.</summary>
internal sealed class CacheDeleteRun
{
    /// <summary>How long a sweep waits for a download or link holding a shared-store entry's lock (Python's soft-lock timeout).</summary>
    private static readonly TimeSpan SharedBlobLockWait = TimeSpan.FromSeconds(10);

    private readonly string _root;
    private readonly DateTimeOffset? _incompleteCutoff;
    private readonly List<string> _deleted = [];
    private readonly Dictionary<string, string> _notDeleted = new(StringComparer.Ordinal);
    private long _freed;

    public CacheDeleteRun(string root, DateTimeOffset? incompleteCutoff)
    {
        _root = root;
        _incompleteCutoff = incompleteCutoff;
    }

    public CacheDeleteResult Result() => new(_deleted, _notDeleted, _freed);

    public void DeleteAll(IEnumerable<PlannedDeletion> items, Action<string>? afterEach = null)
    {
        foreach (PlannedDeletion item in items)
        {
            TryDelete(item.Path, item.Bytes);
            afterEach?.Invoke(item.Path);
        }
    }

    /// <summary>Deletes refs that still name the commit the plan saw (a download may have moved one to a revision it keeps).</summary>
    public void DeleteRefs(IEnumerable<PlannedDeletion> items)
    {
        foreach (PlannedDeletion item in items)
        {
            string? now = CacheLookup.ReadRef(item.Path);
            if (now is not null && item.Seen is not null && now != item.Seen)
            {
                _notDeleted[item.Path] = $"Points at {now} since the plan was made (it saw {item.Seen}): kept.";
                continue;
            }
            TryDelete(item.Path, item.Bytes);
            RemoveEmptyRefFolders(item.Path);
        }
    }

    /// <summary>The revisions the scan saw in a repo, sorted and comma-joined: what a plan to remove it whole removes.</summary>
    public static string SeenRevisions(CachedRepo repo) => string.Join(',', repo.Revisions.Select(r => r.CommitHash).Order(StringComparer.Ordinal));

    /// <summary>The commits a repo folder has snapshot folders for now (a download adds one; a stray folder is no revision).</summary>
    private static List<string> CommitFoldersOf(string repoPath)
    {
        try
        {
            string snapshots = Path.Combine(repoPath, "snapshots");
            return Directory.Exists(snapshots)
                ? [.. Directory.EnumerateDirectories(snapshots).Select(Path.GetFileName).OfType<string>().Where(Revision.IsCommitHash)]
                : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>Removes <c>refs/refs/pr</c> and the like once their last ref is gone (never <c>refs/</c> itself).</summary>
    public void RemoveEmptyRefFolders(string refPath)
    {
        string[] parts = Path.GetRelativePath(_root, refPath).Split(Path.DirectorySeparatorChar);
        if (parts.Length < 3 || parts[1] != "refs") return;
        string refsRoot = Path.Combine(_root, parts[0], "refs");
        string? folder = Path.GetDirectoryName(refPath);
        while (folder is not null && PathContainment.IsSameOrBelow(folder, refsRoot) && !PathContainment.IsSameOrBelow(refsRoot, folder))
        {
            try
            {
                if (!Directory.Exists(folder) || new FileInfo(folder).LinkTarget is not null || Directory.EnumerateFileSystemEntries(folder).Any()) return;
                Directory.Delete(folder);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return;
            }
            folder = Path.GetDirectoryName(folder);
        }
    }

    /// <summary>Deletes blobs unless a snapshot entry links to them again (a download since the plan was made).</summary>
    public void DeleteBlobs(IEnumerable<PlannedDeletion> items)
    {
        foreach (IGrouping<string, PlannedDeletion> repo in items.GroupBy(i => Path.GetDirectoryName(Path.GetDirectoryName(i.Path))!, StringComparer.Ordinal))
        {
            HashSet<string> linked = LinkedBlobs(Path.Combine(repo.Key, "snapshots"), Path.Combine(repo.Key, "blobs"));
            foreach (PlannedDeletion blob in repo)
            {
                if (linked.Contains(Path.GetFullPath(blob.Path))) _notDeleted[blob.Path] = "A snapshot links to this blob again (downloaded since the plan was made).";
                else TryDelete(blob.Path, blob.Bytes);
            }
        }
    }

    /// <summary>Deletes partial downloads with their sidecars, unless written to since the plan or in use by a download.</summary>
    public void DeleteIncomplete(IEnumerable<PlannedDeletion> items)
    {
        foreach (IGrouping<string?, PlannedDeletion> group in items.GroupBy(i => i.Group, StringComparer.Ordinal))
        {
            PlannedDeletion[] files = group.ToArray();
            string? inUse = WhyInUse(group.Key ?? files[0].Path, files, out BlobLock? blobLock);
            using (blobLock)
            {
                foreach (PlannedDeletion file in files)
                {
                    if (inUse is not null) _notDeleted[file.Path] = inUse + ".";
                    else TryDelete(file.Path, file.Bytes);
                }
            }
        }
    }

    /// <summary>
    /// Removes whole repo folders: refs first, then snapshots, then the rest, so an interruption leaves no ref to a missing
    /// blob. A repo that gained a revision since the plan was made, or holds a partial a download is writing, is kept.
    /// </summary>
    public void DeleteRepos(IEnumerable<PlannedDeletion> items)
    {
        foreach (PlannedDeletion repo in items)
        {
            bool isLink = new FileInfo(repo.Path).LinkTarget is not null;
            if (!isLink && WhyRepoChanged(repo) is { } changed)
            {
                _notDeleted[repo.Path] = changed;
                continue;
            }
            if (!isLink)
            {
                foreach (string part in new[] { "refs", "snapshots" })
                {
                    string path = Path.Combine(repo.Path, part);
                    try
                    {
                        SafeDelete.Delete(path, _root);
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        _notDeleted[path] = e.Message;
                    }
                }
            }
            TryDelete(repo.Path, repo.Bytes);
        }
    }

    /// <summary>
    /// Sweeps shared-store entries whose repo links were deleted: each is collected (under its lock) only when its manifest
    /// lists no valid reference; otherwise its manifest is rewritten to the references that remain.
    /// </summary>
    public void SweepSharedBlobs(IEnumerable<PlannedDeletion> items)
    {
        var store = new SharedBlobStore(_root);
        foreach (PlannedDeletion entry in items)
        {
            long freed = store.Sweep(entry.Path, SharedBlobLockWait);
            if (freed > 0)
            {
                _deleted.Add(entry.Path);
                _freed += freed;
            }
            else if (entry.Bytes > 0)
            {
                _notDeleted[entry.Path] = "A repo blob still links to this shared blob (or its .refs manifest cannot be read, or its lock is held): kept.";
            }
        }
    }

    private string? WhyRepoChanged(PlannedDeletion repo)
    {
        if (repo.Seen is { } seen)
        {
            HashSet<string> planned = [.. seen.Split(',', StringSplitOptions.RemoveEmptyEntries)];
            if (CommitFoldersOf(repo.Path).FirstOrDefault(commit => !planned.Contains(commit)) is { } added)
            {
                return $"Revision {added} was downloaded since the plan was made: kept.";
            }
        }
        string blobs = Path.Combine(repo.Path, "blobs");
        IEnumerable<string> partials;
        try
        {
            partials = Directory.Exists(blobs) ? Directory.EnumerateFiles(blobs, "*" + RepoCacheLayout.IncompleteSuffix).ToList() : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        foreach (string partial in partials)
        {
            // A download's partial is a regular file: a link (a stray, a loop) is nobody's download.
            if (new FileInfo(partial).LinkTarget is not null) continue;
            string? inUse = WhyInUse(partial, [], out BlobLock? blobLock);
            blobLock?.Dispose();
            if (inUse is not null) return $"{inUse} ({Path.GetFileName(partial)}): kept.";
        }
        return null;
    }

    /// <summary>
    /// Why <paramref name="partial"/> must be kept (written to since the plan, open in a download, or its blob's lock held;
    /// a sentence without its full stop); null when it may go, with the blob's lock taken in <paramref name="blobLock"/> for the caller to release.
    /// </summary>
    private string? WhyInUse(string partial, PlannedDeletion[] files, out BlobLock? blobLock)
    {
        blobLock = null;
        if (WhyBusy(partial, files) is { } busy) return busy;
        blobLock = BlobLock.TryAcquireExisting(LockPathOf(partial));
        return blobLock is null ? "A download holds this blob's lock" : null;
    }

    private string? WhyBusy(string partial, PlannedDeletion[] files)
    {
        // A partial of a blob published since is never written again (a forced download would hold the lock, checked below).
        if (_incompleteCutoff is { } cutoff && !SupersededPartial.Check(partial))
        {
            foreach (PlannedDeletion file in files)
            {
                var info = new FileInfo(file.Path);
                if (info.Exists && info.LastWriteTimeUtc > cutoff.UtcDateTime) return "Written to since the plan was made: a download is running";
            }
        }
        try
        {
            // .NET writers hold their partial open exclusively (flock on Unix); Python writers are covered by the lock and the age.
            using var probe = new FileStream(partial, FileMode.Open, FileAccess.Read, FileShare.None, 1, FileOptions.None);
            return null;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            return null;
        }
        catch (IOException)
        {
            return "A download has the partial file open";
        }
    }

    private string LockPathOf(string partial)
    {
        string repoFolder = Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(partial))!);
        return Path.Combine(_root, ".locks", repoFolder, RepoCacheLayout.EtagOf(Path.GetFileName(partial)) + ".lock");
    }

    private void TryDelete(string path, long bytes)
    {
        try
        {
            if (SafeDelete.Delete(path, _root))
            {
                _deleted.Add(path);
                _freed += bytes;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _notDeleted[path] = e.Message;
        }
    }

    /// <summary>
    /// The blobs that symlinks under <paramref name="snapshots"/> point at: full paths, named as entries of
    /// <paramref name="blobs"/> when they physically are (<see cref="PathContainment.AsDirectChild"/>), else as written.
    /// </summary>
    internal static HashSet<string> LinkedBlobs(string snapshots, string blobs)
    {
        var linked = new HashSet<string>(StringComparer.Ordinal);
        if (!Directory.Exists(snapshots)) return linked;
        var pending = new Stack<string>();
        pending.Push(snapshots);
        while (pending.Count > 0)
        {
            string folder = pending.Pop();
            IEnumerable<FileSystemInfo> entries;
            try
            {
                entries = new DirectoryInfo(folder).EnumerateFileSystemInfos().ToList();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            foreach (FileSystemInfo entry in entries)
            {
                if (PathContainment.LexicalTarget(entry) is { } full)
                {
                    if (Directory.Exists(entry.FullName)) continue;
                    try
                    {
                        linked.Add(PathContainment.AsDirectChild(full, blobs) ?? full);
                    }
                    catch (IOException)
                    {
                        linked.Add(full); // Through a symlink loop: named as written (it names no blob to keep).
                    }
                }
                else if (entry is DirectoryInfo)
                {
                    pending.Push(entry.FullName);
                }
            }
        }
        return linked;
    }
}
