namespace HubClient;

/// <summary>
/// <c>snapshot_download</c>: resolves the revision once (repo info → commit), lists the commit's files once (recursive tree,
/// cached in <c>trees/{commit}.json</c>), writes <c>refs/{revision}</c>, then brings every selected file into
/// <c>snapshots/{commit}/</c> (or a local folder), up to <see cref="SnapshotDownloadOptions.MaxConcurrency"/> at a time.
/// Files are fetched pinned to the commit with one GET each (plus the CDN hop) — no HEAD: the listing already gives size
/// and hash, and the hash is verified. Files already in place cost no request. When the hub cannot be reached (or the
/// network is off) the cached snapshot is returned only if every selected file is in it.
/// </summary>
internal sealed class SnapshotDownloader
{
    private readonly HubHttp _http;
    private readonly RepoApiClient _repoApi;
    private readonly BlobFetcher _blobs;
    private readonly LocalDirectoryDownloader _local;

    public SnapshotDownloader(HubHttp http, RepoApiClient repoApi, BlobFetcher blobs, LocalDirectoryDownloader local)
    {
        _http = http;
        _repoApi = repoApi;
        _blobs = blobs;
        _local = local;
    }

    public async Task<string> DownloadAsync(string repoId, string revision, SnapshotDownloadOptions options, CancellationToken cancellationToken)
    {
        var target = new SnapshotTarget(_http.Options, options.RepoType, repoId, options.LocalDirectory);
        var filter = new RepoPathFilter(options.AllowPatterns, options.IgnorePatterns);
        string? commit = Revision.IsCommitHash(revision) ? revision : null;

        if (_http.Options.Offline || options.LocalFilesOnly)
        {
            if (options.ForceDownload) throw new ArgumentException("ForceDownload cannot be combined with offline mode or LocalFilesOnly.", nameof(options));
            return FromCache(target, repoId, revision, commit, filter, cause: null);
        }

        IReadOnlyList<TreeFile> files;
        try
        {
            if (commit is null)
            {
                RepoInfo info = await _repoApi.GetRepoInfoAsync(options.RepoType, repoId, revision, filesMetadata: false, [], cancellationToken).ConfigureAwait(false);
                commit = info.Sha ?? throw new HubProtocolException($"The repo info of {repoId}@{revision} has no commit id.", null);
            }
            files = TreeCache.Read(target.TreeFolder, commit) ?? await ListAsync(options.RepoType, repoId, commit, target, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (CacheFileDownloader.IsCacheFallbackError(e, cancellationToken) && !options.ForceDownload)
        {
            return FromCache(target, repoId, revision, commit, filter, e);
        }

        if (revision != commit) WriteRef(target.Layout, revision, commit);
        TreeFile[] selected = files.Where(f => filter.IsSelected(f.Path)).ToArray();
        var progress = new SnapshotProgressTracker(selected, options.Progress, options.FileProgress);
        progress.Start();

        await Parallel.ForEachAsync(
            selected,
            new ParallelOptions { MaxDegreeOfParallelism = options.MaxConcurrency, CancellationToken = cancellationToken },
            async (file, token) =>
            {
                SnapshotProgressTracker.FileProgress? fileProgress = progress.ForFile();
                await PlaceAsync(target, options, repoId, commit, file, fileProgress, token).ConfigureAwait(false);
                progress.Completed(file, fileProgress);
            }).ConfigureAwait(false);

        return target.LocalDirectory ?? EnsureDirectory(target.Layout.SnapshotDirectory(commit));
    }

    private async Task<IReadOnlyList<TreeFile>> ListAsync(RepoType repoType, string repoId, string commit, SnapshotTarget target, CancellationToken cancellationToken)
    {
        var files = new List<TreeFile>();
        await foreach (RepoTreeEntry entry in _repoApi.ListTree(repoType, repoId, commit, path: null, recursive: true, expand: false, cancellationToken).ConfigureAwait(false))
        {
            if (entry is RepoFile file) files.Add(TreeFile.From(file));
        }
        TreeCache.Write(target.TreeFolder, commit, files);
        return files;
    }

    /// <summary>Brings one file into place unless it is there already.</summary>
    private async Task PlaceAsync(
        SnapshotTarget target, SnapshotDownloadOptions options, string repoId, string commit, TreeFile file,
        IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        if (!ContentHasher.IsContentHash(file.Etag))
        {
            throw new HubProtocolException($"The listing gives '{file.Path}' no usable hash ('{file.Etag}'): it cannot be verified.", null);
        }
        Uri resolve = _http.ResolveUri(options.RepoType, repoId, commit, file.Path);

        if (target.LocalDirectory is { } localDirectory)
        {
            if (!options.ForceDownload && target.IsPresent(commit, file.Path)
                && LocalDirectoryMetadata.Read(localDirectory, file.Path)?.CommitHash == commit)
            {
                return;
            }
            var metadata = new HubFileMetadata(commit, file.Etag, file.ContentSize, resolve, file.IsLfs, file.XetHash);
            await _local.PlaceAsync(options.RepoType, repoId, localDirectory, file.Path, metadata, options.ForceDownload, progress, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!options.ForceDownload && target.IsPresent(commit, file.Path)) return;
        // If the signed CDN address expires mid-file, asking the resolve URL again yields a fresh one.
        var request = new BlobDownloadRequest(file.Path, resolve, file.Etag, file.ContentSize, progress, _ => Task.FromResult(resolve));
        bool newBlob = await _blobs.FetchAsync(target.Layout, request, options.ForceDownload, cancellationToken).ConfigureAwait(false);
        SnapshotPointer.Create(target.Layout, commit, file.Path, file.Etag, newBlob, _http.Options.DisableSymlinks);
    }

    /// <summary>
    /// The snapshot as the cache holds it, when the revision resolves locally and every selected file is present; otherwise
    /// <see cref="LocalEntryNotFoundException"/> naming what is missing (or the hub's own error when the repository is
    /// missing or private and nothing is cached).
    /// </summary>
    private static string FromCache(SnapshotTarget target, string repoId, string revision, string? commit, RepoPathFilter filter, Exception? cause)
    {
        string why = cause is null ? "the network is off (offline mode or LocalFilesOnly)" : $"the hub could not be reached: {cause.Message}";
        commit ??= CacheLookup.ResolveCommit(target.Layout, revision);
        if (commit is null)
        {
            ThrowIfAccessError(cause);
            throw new LocalEntryNotFoundException(
                $"Revision '{revision}' of {repoId} is not in the cache at {target.Layout.RepoDirectory}, and {why}.", [], cause);
        }
        IReadOnlyList<TreeFile>? files = TreeCache.Read(target.TreeFolder, commit);
        if (files is null)
        {
            ThrowIfAccessError(cause);
            throw new LocalEntryNotFoundException(
                $"The file list of {repoId}@{commit} is not cached ({TreeCache.PathFor(target.TreeFolder, commit)}), so the snapshot cannot be checked for completeness, and {why}.",
                [], cause);
        }
        string[] missing = files.Where(f => filter.IsSelected(f.Path) && !target.IsPresent(commit, f.Path)).Select(f => f.Path).ToArray();
        if (missing.Length > 0)
        {
            ThrowIfAccessError(cause);
            string sample = string.Join(", ", missing.Take(5)) + (missing.Length > 5 ? $", … ({missing.Length - 5} more)" : "");
            throw new LocalEntryNotFoundException(
                $"The cached snapshot of {repoId}@{revision} (commit {commit}) is incomplete: {missing.Length} file(s) missing ({sample}), and {why}.",
                missing, cause);
        }
        return target.LocalDirectory ?? target.Layout.SnapshotDirectory(commit);
    }

    /// <summary>A repository that does not exist or is private says so rather than "not cached" (as huggingface_hub does).</summary>
    private static void ThrowIfAccessError(Exception? cause)
    {
        if (cause is RepositoryNotFoundException or GatedRepositoryException or HubException { StatusCode: System.Net.HttpStatusCode.Unauthorized })
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(cause).Throw();
        }
    }

    private static void WriteRef(RepoCacheLayout layout, string revision, string commit)
    {
        try
        {
            AtomicFile.WriteTextIfChanged(layout.RefPath(revision), commit);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A read-only cache: the files can still be served, only the offline shortcut for this branch is lost.
        }
    }

    private static string EnsureDirectory(string path)
    {
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Where a snapshot goes: the cache's <c>snapshots/{commit}</c> or a local folder, and where its listing is cached.</summary>
    private sealed class SnapshotTarget
    {
        public SnapshotTarget(HubApiOptions options, RepoType repoType, string repoId, string? localDirectory)
        {
            Layout = new RepoCacheLayout(options.CacheDirectory, repoType, repoId);
            LocalDirectory = localDirectory is null ? null : Path.GetFullPath(localDirectory);
            TreeFolder = LocalDirectory is null ? Layout.RepoDirectory : LocalDirectoryMetadata.HuggingFaceDirectory(LocalDirectory);
        }

        public RepoCacheLayout Layout { get; }

        public string? LocalDirectory { get; }

        public string TreeFolder { get; }

        public bool IsPresent(string commit, string repoPath) =>
            File.Exists(LocalDirectory is null ? Layout.SnapshotPath(commit, repoPath) : Path.Combine([LocalDirectory, .. repoPath.Split('/')]));
    }
}
