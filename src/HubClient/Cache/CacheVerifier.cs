namespace HubClient;

/// <summary>
/// Re-hashes the blobs of a cache against their names and reports corrupt, missing and orphaned blobs; optionally sets
/// corrupt ones aside (or deletes them) together with the snapshot links to them, so the next download fetches them again.
/// </summary>
internal static class CacheVerifier
{
    /// <summary>How long to wait for a download holding a corrupt blob's lock before acting without it.</summary>
    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(10);

    public static async Task<CacheVerifyReport> VerifyAsync(string cacheDirectory, CacheVerifyOptions options, CancellationToken cancellationToken)
    {
        if (options.RepoId is not null) RepoId.Validate(options.RepoId, nameof(options));
        HubCacheInfo info = CacheScanner.Scan(cacheDirectory);
        IEnumerable<CachedRepo> repos = options.RepoId is null
            ? info.Repos
            : info.Repos.Where(r => r.RepoType == options.RepoType && r.RepoId == options.RepoId);

        var store = new SharedBlobStore(info.CacheDirectory);
        SharedBlobStore? shared = store.Exists ? store : null;
        var work = new List<(CachedRepo Repo, FileInfo Blob, FileInfo Content)>();
        var missing = new List<MissingBlob>();
        var orphaned = new List<string>();
        var unverifiable = new List<string>();
        foreach (CachedRepo repo in repos)
        {
            var linked = new HashSet<string>(repo.Revisions.SelectMany(r => r.Files).Where(f => f.IsSymbolicLink).Select(f => f.BlobPath), StringComparer.Ordinal);
            unverifiable.AddRange(repo.Revisions.SelectMany(r => r.Files).Where(f => !f.IsSymbolicLink).Select(f => f.FilePath));
            missing.AddRange(repo.BrokenEntries.Select(b => new MissingBlob(b.SnapshotPath, b.TargetPath)));
            foreach ((FileInfo blob, FileInfo content) in BlobFiles(Path.Combine(repo.RepoPath, "blobs"), shared))
            {
                if (ContentHasher.IsContentHash(blob.Name)) work.Add((repo, blob, content));
                else unverifiable.Add(blob.FullName);
                if (!linked.Contains(blob.FullName)) orphaned.Add(blob.FullName);
            }
        }

        long bytesTotal = work.Sum(w => w.Content.Length);
        long bytesDone = 0;
        int blobsDone = 0;
        IProgress<CacheVerifyProgress>? progress = options.Progress;
        progress?.Report(new CacheVerifyProgress(null, 0, work.Count, 0, bytesTotal));
        var corrupt = new List<CorruptBlob>();
        foreach ((CachedRepo repo, FileInfo blob, FileInfo content) in work)
        {
            long before = bytesDone;
            IProgress<long>? bytes = progress is null ? null
                : new CallbackProgress<long>(read => progress.Report(new CacheVerifyProgress(blob.FullName, blobsDone, work.Count, before + read, bytesTotal)));
            string? actual;
            try
            {
                actual = IsEmpty(content.FullName)
                    ? EmptyHash(blob.Name)
                    : await BlobVerifier.HashFileAsync(content.FullName, blob.Name, cancellationToken, bytes).ConfigureAwait(false);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                actual = blob.Name; // Removed since the scan (deleted or set aside by someone else, its repo too): nothing to judge.
            }
            bytesDone += content.Length;
            blobsDone++;
            if (actual is not null && actual != blob.Name)
            {
                CorruptBlob? found = await HandleCorruptAsync(info.CacheDirectory, repo, blob, content, actual, options.CorruptBlobs, cancellationToken).ConfigureAwait(false);
                if (found is not null) corrupt.Add(found);
            }
            progress?.Report(new CacheVerifyProgress(blob.FullName, blobsDone, work.Count, bytesDone, bytesTotal));
        }
        progress?.Report(new CacheVerifyProgress(null, blobsDone, work.Count, bytesDone, bytesTotal));
        return new CacheVerifyReport(blobsDone, bytesDone, corrupt, missing, orphaned, unverifiable);
    }

    /// <summary>
    /// Whether the file is 0 bytes long, as a FIFO, a socket or a device placed where a blob belongs is too: .NET cannot tell
    /// those from a regular file without P/Invoke, and opening a FIFO to read blocks until a writer comes, maybe forever.
    /// Such a file is judged by the hash of no bytes, so it is reported corrupt unless its name is that hash.
    /// </summary>
    private static bool IsEmpty(string path)
    {
        var file = new FileInfo(path);
        return file.Exists && file.Length == 0;
    }

    /// <summary>The hash of no bytes in the algorithm <paramref name="etag"/> names, or null when it is no content hash.</summary>
    private static string? EmptyHash(string etag)
    {
        using ContentHasher hasher = ContentHasher.For(etag, 0);
        return hasher.Algorithm is null ? null : hasher.FinishHex();
    }

    /// <summary>
    /// Published blobs: regular files named by an etag (temp files, sidecars and set-aside blobs have dots), and links named
    /// by an etag into the shared blob store, verified through the link (their content is the store's payload).
    /// </summary>
    private static List<(FileInfo Blob, FileInfo Content)> BlobFiles(string blobsPath, SharedBlobStore? store)
    {
        if (!Directory.Exists(blobsPath)) return [];
        var found = new List<(FileInfo, FileInfo)>();
        foreach (FileInfo file in new DirectoryInfo(blobsPath).EnumerateFiles().Where(f => RepoCacheLayout.IsBlob(f.Name)).OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            if (file.LinkTarget is null) found.Add((file, file));
            else if (store?.TargetOf(file.FullName) is { } payload) found.Add((file, new FileInfo(payload)));
        }
        return found;
    }

    /// <summary>
    /// Acts on a corrupt blob. For a link into the shared blob store the corrupt file is the store's payload: it is set aside
    /// (into this repo's <c>blobs/</c>) or deleted under the store entry's lock, and the repo link goes with the snapshot
    /// links; other repos' links to it then dangle, so their next download fetches the file again too.
    /// </summary>
    private static async Task<CorruptBlob?> HandleCorruptAsync(
        string cacheRoot, CachedRepo repo, FileInfo blob, FileInfo content, string actual, CorruptBlobAction action, CancellationToken cancellationToken)
    {
        if (action == CorruptBlobAction.Report) return new CorruptBlob(blob.FullName, blob.Name, actual, content.Length, null, false, []);

        bool shared = !ReferenceEquals(blob, content);
        using BlobLock? held = shared
            ? await SharedBlobLock.AcquireAsync(content.FullName, LockWait, cancellationToken).ConfigureAwait(false)
            : await BlobLock.AcquireAsync(Path.Combine(cacheRoot, ".locks", Path.GetFileName(repo.RepoPath), blob.Name + ".lock"), LockWait, () => false, cancellationToken).ConfigureAwait(false);
        if (shared && held is null)
        {
            // A store entry is never changed without its lock: reported, left in place.
            return new CorruptBlob(blob.FullName, blob.Name, actual, content.Length, null, false, []);
        }
        var current = new FileInfo(content.FullName);
        if (!current.Exists || current.Length != content.Length || current.LastWriteTimeUtc != content.LastWriteTimeUtc)
        {
            return null; // Replaced since it was hashed (a forced download published a fresh copy): not ours to judge.
        }

        string? movedTo = null;
        if (action == CorruptBlobAction.MoveAside)
        {
            movedTo = Path.Combine(Path.GetDirectoryName(blob.FullName)!, RepoCacheLayout.SetAsideName(blob.Name, DateTimeOffset.UtcNow));
            File.Move(content.FullName, movedTo);
            File.SetLastWriteTimeUtc(movedTo, DateTime.UtcNow); // Prune measures its age from now, not from the download.
        }
        else
        {
            File.Delete(content.FullName);
        }
        if (shared) SafeDelete.Delete(blob.FullName, cacheRoot);

        // The blob is gone from its name first, so no download trusts it; then the links that pointed at it go too.
        var removed = new List<string>();
        foreach (CachedFile file in repo.Revisions.SelectMany(r => r.Files).Where(f => f.IsSymbolicLink && f.BlobPath == blob.FullName))
        {
            if (SafeDelete.Delete(file.FilePath, cacheRoot)) removed.Add(file.FilePath);
        }
        return new CorruptBlob(blob.FullName, blob.Name, actual, content.Length, movedTo, movedTo is null, removed);
    }

    /// <summary>Reports inline (<see cref="Progress{T}"/> posts to a synchronization context).</summary>
    private sealed class CallbackProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
