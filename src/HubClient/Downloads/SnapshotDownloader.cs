using System.Diagnostics;

namespace HubClient;

/// <summary>
/// <c>snapshot_download</c>: resolves the revision once (repo info → commit), lists the commit's files once (recursive tree,
/// cached in <c>trees/{commit}.json</c>), writes <c>refs/{revision}</c>, then sends every selected file through the
/// <see cref="FileDownloadPipeline"/>, up to <see cref="SnapshotDownloadOptions.MaxConcurrency"/> at a time. Files are fetched
/// pinned to the commit with one GET each (plus the CDN hop) — no HEAD: the listing already gives size and hash, and the
/// hash is verified. Files already in place cost no request. When the hub cannot be reached (or the network is off) the
/// held snapshot is returned only if every selected file is present in it.
/// </summary>
internal sealed class SnapshotDownloader
{
    private readonly HubHttp _http;
    private readonly RepoApiClient _repoApi;
    private readonly FileDownloadPipeline _pipeline;

    public SnapshotDownloader(HubHttp http, RepoApiClient repoApi, FileDownloadPipeline pipeline)
    {
        _http = http;
        _repoApi = repoApi;
        _pipeline = pipeline;
    }

    public async Task<string> DownloadAsync(string repoId, string revision, SnapshotDownloadOptions options, CancellationToken cancellationToken)
    {
        using Activity? activity = HubTelemetry.ActivitySource.StartActivity("HubClient.DownloadSnapshot");
        activity?.SetTag("hub.repo_id", repoId);
        activity?.SetTag("hub.revision", revision);

        IDownloadDestination destination = _pipeline.DestinationFor(options.RepoType, repoId, options.LocalDirectory);
        var layout = new RepoCacheLayout(_http.Options.CacheDirectory, options.RepoType, repoId);
        string treeFolder = options.LocalDirectory is null ? layout.RepoDirectory : LocalDirectoryMetadata.HuggingFaceDirectory(Path.GetFullPath(options.LocalDirectory));
        var filter = new RepoPathFilter(options.AllowPatterns, options.IgnorePatterns);

        (string? held, string? commit, IReadOnlyList<TreeFile>? files) = await _pipeline.Resolver.ResolveAsync<(string?, string?, IReadOnlyList<TreeFile>?)>(
            options.LocalFilesOnly, options.ForceDownload,
            async ct =>
            {
                string commit = Revision.IsCommitHash(revision) ? revision : await ResolveCommitAsync(options.RepoType, repoId, revision, ct).ConfigureAwait(false);
                return (null, commit, TreeCache.Read(treeFolder, commit) ?? await ListAsync(options.RepoType, repoId, commit, treeFolder, ct).ConfigureAwait(false));
            },
            (cause, mayUseHeld) => (FromHeld(destination, layout, treeFolder, repoId, revision, filter, cause, mayUseHeld), null, null),
            cancellationToken).ConfigureAwait(false);
        if (held is not null) return held;

        // The branch is remembered in the cache's refs/ whatever the destination (as huggingface_hub does): offline runs resolve it there.
        new CacheDestination(layout, _http.Options.DisableSymlinks).RecordRef(revision, commit!, bestEffort: true);
        TreeFile[] selected = files!.Where(f => filter.IsSelected(f.Path)).ToArray();
        activity?.SetTag("hub.files", selected.Length);
        var progress = new SnapshotProgressTracker(selected, options.Progress, options.FileProgress);
        progress.Start();

        await Parallel.ForEachAsync(
            selected,
            new ParallelOptions { MaxDegreeOfParallelism = options.MaxConcurrency, CancellationToken = cancellationToken },
            async (file, token) =>
            {
                SnapshotProgressTracker.FileProgress? fileProgress = progress.ForFile();
                await PlaceAsync(destination, options, repoId, commit!, file, fileProgress, token).ConfigureAwait(false);
                progress.Completed(file, fileProgress);
            }).ConfigureAwait(false);

        return options.LocalDirectory is null ? EnsureDirectory(layout.SnapshotDirectory(commit!)) : Path.GetFullPath(options.LocalDirectory);
    }

    private async Task<string> ResolveCommitAsync(RepoType repoType, string repoId, string revision, CancellationToken cancellationToken)
    {
        RepoInfo info = await _repoApi.GetRepoInfoAsync(repoType, repoId, revision, filesMetadata: false, [], cancellationToken).ConfigureAwait(false);
        return info.Sha ?? throw new HubProtocolException($"The repo info of {repoId}@{revision} has no commit id.", null);
    }

    private async Task<IReadOnlyList<TreeFile>> ListAsync(RepoType repoType, string repoId, string commit, string treeFolder, CancellationToken cancellationToken)
    {
        var files = new List<TreeFile>();
        await foreach (RepoTreeEntry entry in _repoApi.ListTree(repoType, repoId, commit, path: null, recursive: true, expand: false, cancellationToken).ConfigureAwait(false))
        {
            if (entry is RepoFile file) files.Add(TreeFile.From(file));
        }
        TreeCache.Write(treeFolder, commit, files);
        return files;
    }

    /// <summary>One file of the listing through the pipeline, pinned to the commit, its metadata taken from the listing.</summary>
    private async Task PlaceAsync(
        IDownloadDestination destination, SnapshotDownloadOptions options, string repoId, string commit, TreeFile file,
        IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        if (!ContentHasher.IsContentHash(file.Etag))
        {
            throw new HubProtocolException($"The listing gives '{file.Path}' no usable hash ('{file.Etag}'): it cannot be verified.", null);
        }
        using Activity? activity = FileDownloadPipeline.StartFileActivity(repoId, file.Path, commit);
        Uri resolve = _http.ResolveUri(options.RepoType, repoId, commit, file.Path);
        var metadata = new HubFileMetadata(commit, file.Etag, file.ContentSize, resolve, file.IsLfs, file.XetHash);
        // If the signed CDN address expires mid-file, asking the resolve URL again yields a fresh one.
        var request = new TransferRequest(file.Path, resolve, file.Etag, file.ContentSize, progress, _ => Task.FromResult(resolve),
            FileDownloadPipeline.XetReference(options.RepoType, repoId, file.Path, metadata));
        await _pipeline.PlaceAsync(destination, repoId, file.Path, metadata, request, options.ForceDownload, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The snapshot as held, when the revision resolves locally and every selected file is present; otherwise
    /// <see cref="LocalEntryNotFoundException"/> naming what is missing (or the hub's own error when the repository is
    /// missing or private and nothing is held).
    /// </summary>
    private string FromHeld(
        IDownloadDestination destination, RepoCacheLayout layout, string treeFolder, string repoId, string revision, RepoPathFilter filter,
        Exception? cause, bool mayUseHeld)
    {
        string why = DownloadResolver.WhyOffline(cause);
        if (!mayUseHeld)
        {
            DownloadResolver.ThrowIfAccessError(cause);
            throw new LocalEntryNotFoundException($"{repoId}@{revision} must be downloaded again (ForceDownload), and {why}.", [], cause);
        }
        string? commit = CacheLookup.ResolveCommit(layout, revision);
        if (commit is null)
        {
            DownloadResolver.ThrowIfAccessError(cause);
            throw new LocalEntryNotFoundException(
                $"Revision '{revision}' of {repoId} is not in the cache at {layout.RepoDirectory}, and {why}.", [], cause);
        }
        IReadOnlyList<TreeFile>? files = TreeCache.Read(treeFolder, commit);
        if (files is null)
        {
            DownloadResolver.ThrowIfAccessError(cause);
            throw new LocalEntryNotFoundException(
                $"The file list of {repoId}@{commit} is not cached ({TreeCache.PathFor(treeFolder, commit)}), so the snapshot cannot be checked for completeness, and {why}.",
                [], cause);
        }
        string[] missing = files
            .Where(f => filter.IsSelected(f.Path) && !EntryPresence.IsPresent(destination.EntryPath(commit, f.Path), f.ContentSize))
            .Select(f => f.Path).ToArray();
        if (missing.Length > 0)
        {
            DownloadResolver.ThrowIfAccessError(cause);
            string sample = string.Join(", ", missing.Take(5)) + (missing.Length > 5 ? $", … ({missing.Length - 5} more)" : "");
            throw new LocalEntryNotFoundException(
                $"The cached snapshot of {repoId}@{revision} (commit {commit}) is incomplete: {missing.Length} file(s) missing ({sample}), and {why}.",
                missing, cause);
        }
        if (cause is not null) _pipeline.Resolver.LogServedFromCache(repoId, "snapshot", cause);
        HubTelemetry.CacheHits.Add(files.Count(f => filter.IsSelected(f.Path)));
        return destination is LocalDirectoryDestination local ? local.Root : layout.SnapshotDirectory(commit);
    }

    private static string EnsureDirectory(string path)
    {
        Directory.CreateDirectory(path);
        return path;
    }
}
