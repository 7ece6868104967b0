namespace HubClient;

/// <summary>
/// Reads a hub cache the way huggingface_hub's <c>scan_cache_dir</c> does, but keeps going where it would drop a whole
/// repository: malformed parts become warnings and the rest is still listed, so it can still be inspected and cleaned.
/// Reads only; never writes.
/// </summary>
internal static class CacheScanner
{
    /// <summary>Helper files operating systems drop everywhere (ignored, as huggingface_hub does).</summary>
    private static readonly HashSet<string> IgnoredNames = new(StringComparer.Ordinal) { ".DS_Store", "Thumbs.db", "desktop.ini" };

    public static HubCacheInfo Scan(string cacheDirectory)
    {
        string root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(cacheDirectory));
        if (File.Exists(root) && !Directory.Exists(root))
        {
            throw new ArgumentException($"The cache path '{root}' is a file, not a folder.", nameof(cacheDirectory));
        }
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"The cache folder '{root}' does not exist (set HF_HUB_CACHE or pass the folder).");
        }

        var warnings = new List<CacheWarning>();
        var repos = new List<CachedRepo>();
        var incomplete = new List<CachedIncompleteDownload>();
        var shared = new SharedBlobStore(root);
        SharedBlobStore? store = shared.Exists ? shared : null;
        foreach (FileSystemInfo entry in SortedEntries(root, warnings))
        {
            string name = entry.Name;
            if (IgnoredNames.Contains(name) || name is ".locks" or "CACHEDIR.TAG") continue;
            if (store is not null && name == SharedBlobStore.FolderName) continue;
            if (!Directory.Exists(entry.FullName))
            {
                warnings.Add(new CacheWarning(CacheWarningKind.StrayFile, entry.FullName, $"Repo path is not a directory: {entry.FullName}"));
                continue;
            }
            if (!TryParseFolderName(name, out RepoType type, out string repoId))
            {
                warnings.Add(new CacheWarning(CacheWarningKind.UnknownFolder, entry.FullName, $"Not a hub cache repo folder ({{models,datasets,spaces}}--{{id}}): {entry.FullName}"));
                continue;
            }
            incomplete.AddRange(ScanBlobsFolder(entry.FullName, warnings));
            repos.Add(ScanRepo(entry.FullName, type, repoId, store, warnings));
        }
        return new HubCacheInfo(root, repos, incomplete, warnings, SharedStoreUsage(store, repos));
    }

    /// <summary>
    /// What the shared blob store holds and saves: its payloads' bytes (including payloads no repo links to any more), the
    /// bytes of repo blobs that are links into it (each repo counted, as <see cref="CachedRepo.SizeOnDisk"/> does), and the
    /// bytes those links would take as copies beyond the one payload each.
    /// </summary>
    private static SharedStoreUsage SharedStoreUsage(SharedBlobStore? store, List<CachedRepo> repos)
    {
        if (store is null) return default;
        long storeSize = store.Entries().Sum(e => e.Length);
        var linked = repos
            .SelectMany(r => r.Revisions.SelectMany(v => v.Files).Where(f => f.SharedBlobPath is not null).DistinctBy(f => f.BlobPath, StringComparer.Ordinal))
            .ToList();
        long linkedSize = linked.Sum(f => f.SizeOnDisk);
        long payloads = linked.DistinctBy(f => f.SharedBlobPath, StringComparer.Ordinal).Sum(f => f.SizeOnDisk);
        return new SharedStoreUsage(storeSize, linkedSize, linkedSize - payloads);
    }

    /// <summary><c>models--acme--tiny</c> → model <c>acme/tiny</c>, as huggingface_hub reads folder names.</summary>
    internal static bool TryParseFolderName(string name, out RepoType type, out string repoId)
    {
        type = RepoType.Model;
        repoId = "";
        int separator = name.IndexOf("--", StringComparison.Ordinal);
        if (separator < 0) return false;
        RepoType? parsed = name[..separator] switch
        {
            "models" => RepoType.Model,
            "datasets" => RepoType.Dataset,
            "spaces" => RepoType.Space,
            _ => null,
        };
        if (parsed is null || separator + 2 >= name.Length) return false;
        type = parsed.Value;
        repoId = name[(separator + 2)..].Replace("--", "/", StringComparison.Ordinal);
        return true;
    }

    private static CachedRepo ScanRepo(string repoPath, RepoType type, string repoId, SharedBlobStore? store, List<CacheWarning> warnings)
    {
        string blobsPath = Path.Combine(repoPath, "blobs");
        string snapshotsPath = Path.Combine(repoPath, "snapshots");
        Dictionary<string, List<string>> refsByCommit = ScanRefs(Path.Combine(repoPath, "refs"), warnings);

        var revisions = new List<CachedRevision>();
        var broken = new List<BrokenEntry>();
        var blobs = new Dictionary<string, FileInfo>(StringComparer.Ordinal);
        if (!Directory.Exists(snapshotsPath))
        {
            warnings.Add(new CacheWarning(CacheWarningKind.MissingSnapshotsFolder, snapshotsPath, $"Snapshots dir doesn't exist in cached repo: {snapshotsPath}"));
        }
        else
        {
            foreach (FileSystemInfo revisionEntry in SortedEntries(snapshotsPath, warnings))
            {
                if (IgnoredNames.Contains(revisionEntry.Name)) continue;
                if (!Directory.Exists(revisionEntry.FullName))
                {
                    warnings.Add(new CacheWarning(CacheWarningKind.StrayFile, revisionEntry.FullName, $"Snapshots folder corrupted. Found a file: {revisionEntry.FullName}"));
                    continue;
                }
                var files = new List<CachedFile>();
                ScanSnapshotFolder(revisionEntry.FullName, "", blobsPath, store, files, blobs, broken, warnings);
                files.Sort((a, b) => string.CompareOrdinal(a.RepoPath, b.RepoPath));
                DateTimeOffset lastModified = files.Count > 0 ? files.Max(f => f.BlobLastModified) : new DirectoryInfo(revisionEntry.FullName).LastWriteTimeUtc;
                List<string> refs = refsByCommit.Remove(revisionEntry.Name, out List<string>? names) ? names : [];
                refs.Sort(StringComparer.Ordinal);
                revisions.Add(new CachedRevision(revisionEntry.Name, revisionEntry.FullName, refs, files, lastModified));
            }
        }

        foreach ((string commit, List<string> refs) in refsByCommit.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            foreach (string name in refs)
            {
                string refPath = Path.Combine([repoPath, "refs", .. name.Split('/')]);
                warnings.Add(new CacheWarning(CacheWarningKind.RefToMissingSnapshot, refPath, $"Ref '{name}' of {repoPath} points at commit {commit}, which has no snapshot folder."));
            }
        }

        DateTimeOffset lastAccessed, lastWrite;
        if (blobs.Count > 0)
        {
            lastAccessed = blobs.Values.Max(b => new DateTimeOffset(b.LastAccessTimeUtc));
            lastWrite = blobs.Values.Max(b => new DateTimeOffset(b.LastWriteTimeUtc));
        }
        else
        {
            var folder = new DirectoryInfo(repoPath);
            lastAccessed = folder.LastAccessTimeUtc;
            lastWrite = folder.LastWriteTimeUtc;
        }
        return new CachedRepo(type, repoId, repoPath, revisions, blobs.Values.Sum(b => b.Length), blobs.Count, lastAccessed, lastWrite, broken);
    }

    /// <summary>Refs by the commit they name. Nested refs (<c>refs/pr/1</c>) are named by their path under <c>refs/</c>.</summary>
    private static Dictionary<string, List<string>> ScanRefs(string refsPath, List<CacheWarning> warnings)
    {
        var refsByCommit = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (File.Exists(refsPath) && !Directory.Exists(refsPath))
        {
            warnings.Add(new CacheWarning(CacheWarningKind.InvalidRef, refsPath, $"Refs directory cannot be a file: {refsPath}"));
            return refsByCommit;
        }
        if (!Directory.Exists(refsPath)) return refsByCommit;
        var pending = new Stack<(string Path, string Prefix)>();
        pending.Push((refsPath, ""));
        while (pending.Count > 0)
        {
            (string folder, string prefix) = pending.Pop();
            foreach (FileSystemInfo entry in SortedEntries(folder, warnings))
            {
                if (IgnoredNames.Contains(entry.Name)) continue;
                string name = prefix + entry.Name;
                if (entry.LinkTarget is null && Directory.Exists(entry.FullName))
                {
                    pending.Push((entry.FullName, name + "/"));
                    continue;
                }
                string commit;
                try
                {
                    commit = File.ReadAllText(entry.FullName).Trim();
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    warnings.Add(new CacheWarning(CacheWarningKind.InvalidRef, entry.FullName, $"Ref '{name}' cannot be read: {e.Message}"));
                    continue;
                }
                if (!Revision.IsCommitHash(commit))
                {
                    warnings.Add(new CacheWarning(CacheWarningKind.InvalidRef, entry.FullName, $"Ref '{name}' does not hold a commit hash: '{RepoId.Printable(commit)}'."));
                    continue;
                }
                if (!refsByCommit.TryGetValue(commit, out List<string>? names)) refsByCommit[commit] = names = [];
                names.Add(name);
            }
        }
        return refsByCommit;
    }

    private static void ScanSnapshotFolder(
        string folder, string prefix, string blobsPath, SharedBlobStore? store, List<CachedFile> files, Dictionary<string, FileInfo> blobs,
        List<BrokenEntry> broken, List<CacheWarning> warnings)
    {
        foreach (FileSystemInfo entry in SortedEntries(folder, warnings))
        {
            string repoPath = prefix + entry.Name;
            bool isLink = entry.LinkTarget is not null;
            if (Directory.Exists(entry.FullName))
            {
                if (isLink && PathContainment.LexicalTarget(entry) is { } target && PathContainment.IsDirectChild(target, blobsPath))
                {
                    // A file's link to a blob that is a folder (a damaged cache): the file is missing, and a download repairs it.
                    broken.Add(new BrokenEntry(entry.FullName, target));
                    warnings.Add(new CacheWarning(CacheWarningKind.BrokenSymlink, entry.FullName, $"Blob is a folder, not a file: {entry.FullName} -> {target}"));
                    continue;
                }
                if (isLink)
                {
                    warnings.Add(new CacheWarning(CacheWarningKind.LinkedFolder, entry.FullName, $"A folder in a snapshot is a symlink (not followed): {entry.FullName}"));
                    continue;
                }
                ScanSnapshotFolder(entry.FullName, repoPath + "/", blobsPath, store, files, blobs, broken, warnings);
                continue;
            }

            FileInfo? blob = isLink ? ResolveFinalTarget(entry) : (FileInfo)entry;
            if (blob is null || !blob.Exists)
            {
                string? target = isLink ? PathContainment.LexicalTarget(entry) : null;
                broken.Add(new BrokenEntry(entry.FullName, target));
                warnings.Add(new CacheWarning(CacheWarningKind.BrokenSymlink, entry.FullName, $"Blob missing (broken symlink): {entry.FullName} -> {target ?? entry.LinkTarget}"));
                continue;
            }
            // A repo blob that links into the shared blob store is the file's blob (the first hop); its bytes are the payload's.
            string blobPath = blob.FullName;
            string? sharedPath = null;
            string? firstHop = isLink && store is not null && PathContainment.LexicalTarget(entry) is { } hop ? PathContainment.AsDirectChild(hop, blobsPath) : null;
            if (firstHop is not null && store!.TargetOf(firstHop) is { } payload && SameFile(payload, blob.FullName))
            {
                blobPath = firstHop;
                sharedPath = payload;
            }
            else if (isLink && PathContainment.AsDirectChild(blob.FullName, blobsPath) is { } inBlobs)
            {
                blobPath = inBlobs;
            }
            else if (isLink)
            {
                warnings.Add(new CacheWarning(CacheWarningKind.LinkOutsideBlobs, entry.FullName, $"Snapshot entry links outside its repo's blobs folder: {entry.FullName} -> {blob.FullName}"));
            }
            if (!blobs.TryGetValue(blobPath, out FileInfo? stats)) blobs[blobPath] = stats = blob;
            files.Add(new CachedFile(repoPath, entry.FullName, blobPath, isLink, stats.Length, stats.LastAccessTimeUtc, stats.LastWriteTimeUtc, sharedPath));
        }
    }

    /// <summary>Partial downloads in <c>{repo}/blobs/</c> with their sidecars, and warnings for set-aside corrupt blobs.</summary>
    private static List<CachedIncompleteDownload> ScanBlobsFolder(string repoPath, List<CacheWarning> warnings)
    {
        var found = new List<CachedIncompleteDownload>();
        string blobsPath = Path.Combine(repoPath, "blobs");
        if (!Directory.Exists(blobsPath)) return found;
        List<FileSystemInfo> entries = SortedEntries(blobsPath, warnings);
        foreach (FileSystemInfo entry in entries)
        {
            if (RepoCacheLayout.IsSetAside(entry.Name))
            {
                warnings.Add(new CacheWarning(CacheWarningKind.SetAsideBlob, entry.FullName, $"A blob that failed verification was set aside: {entry.FullName}"));
                continue;
            }
            if (!RepoCacheLayout.IsIncomplete(entry.Name) || RepoCacheLayout.IsSidecar(entry.Name)) continue;
            FileSystemInfo[] sidecars = entries.Where(e => RepoCacheLayout.IsSidecarOf(e.Name, entry.Name)).ToArray();
            FileSystemInfo[] all = [entry, .. sidecars];
            long size = all.Sum(e => e is FileInfo { LinkTarget: null } file ? file.Length : 0);
            DateTimeOffset lastModified = all.Max(e => new DateTimeOffset(e.LastWriteTimeUtc));
            found.Add(new CachedIncompleteDownload(repoPath, entry.FullName, size, lastModified, sidecars.Select(s => s.FullName).ToArray()));
        }
        return found;
    }

    /// <summary>Whether two paths name one file: the same text, or the same once every link on the way is resolved.</summary>
    private static bool SameFile(string a, string b) =>
        string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), StringComparison.Ordinal)
        || string.Equals(PathContainment.RealPath(a), PathContainment.RealPath(b), StringComparison.Ordinal);

    private static FileInfo? ResolveFinalTarget(FileSystemInfo link)
    {
        try
        {
            return link.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // A link loop, or a target we may not read.
        }
    }

    /// <summary>
    /// A folder's entries by name; none, with a warning, when the folder cannot be read (another user's <c>0700</c> folder in
    /// a shared cache): it is not empty, only unknown, and a deletion planner must not act as if it were empty.
    /// </summary>
    private static List<FileSystemInfo> SortedEntries(string folder, List<CacheWarning> warnings)
    {
        try
        {
            return new DirectoryInfo(folder).EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            warnings.Add(new CacheWarning(CacheWarningKind.UnreadableFolder, folder, $"Folder cannot be read, its contents are not listed: {folder} ({e.Message})"));
            return [];
        }
    }
}
