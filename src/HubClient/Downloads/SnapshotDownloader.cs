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
    private readonly FileDownloadPipeline _pipeline;
    private readonly SnapshotListingResolver _listings;

    public SnapshotDownloader(HubHttp http, RepoApiClient repoApi, FileDownloadPipeline pipeline)
    {
        _http = http;
        _pipeline = pipeline;
        _listings = new SnapshotListingResolver(repoApi, pipeline.Resolver);
    }

    public async Task<string> DownloadAsync(string repoId, string revision, SnapshotDownloadOptions options, CancellationToken cancellationToken)
    {
        using Activity? activity = HubTelemetry.ActivitySource.StartActivity("HubClient.DownloadSnapshot");
        activity?.SetTag("hub.repo_id", repoId);
        activity?.SetTag("hub.revision", revision);

        IDownloadDestination destination = _pipeline.DestinationFor(options.RepoType, repoId, options.LocalDirectory);
        var layout = new RepoCacheLayout(_http.Options.CacheDirectory, options.RepoType, repoId);
        var filter = new RepoPathFilter(options.AllowPatterns, options.IgnorePatterns);

        SnapshotListing listing = await _listings.ResolveAsync(
            options.RepoType, repoId, revision, layout, destination.ListingFolder, (destination as LocalDirectoryDestination)?.Root, options.LocalFilesOnly,
            options.ForceDownload, cacheListing: true, cancellationToken).ConfigureAwait(false);
        if (listing.FromCache) return FromHeld(destination, layout, repoId, revision, filter, listing);
        string commit = listing.Commit;

        // The branch is remembered in the cache's refs/ whatever the destination (as huggingface_hub does): offline runs resolve it there.
        new CacheDestination(layout, _http.Options.DisableSymlinks).RecordRef(revision, commit, bestEffort: true, snapshotFolder: destination is CacheDestination);
        TreeFile[] selected = listing.RequireFiles(repoId, destination.ListingFolder).Where(f => filter.IsSelected(f.Path)).ToArray();
        ThrowIfAFileIsAFolder(selected, repoId, commit);
        activity?.SetTag("hub.files", selected.Length);
        var progress = new SnapshotProgressTracker(selected, options.Progress, options.FileProgress);
        progress.Start();

        // Paths with the same content (one etag) go one after another: the first transfers the blob, the others find it
        // published and only link it. (Large files would meet at the blob's lock; small ones take no lock.)
        await Parallel.ForEachAsync(
            selected.GroupBy(f => f.Etag, StringComparer.Ordinal),
            new ParallelOptions { MaxDegreeOfParallelism = options.MaxConcurrency, CancellationToken = cancellationToken },
            async (sameContent, token) =>
            {
                foreach (TreeFile file in sameContent)
                {
                    SnapshotProgressTracker.FileProgress? fileProgress = progress.ForFile();
                    await PlaceAsync(destination, options, repoId, commit, file, fileProgress, token).ConfigureAwait(false);
                    progress.Completed(file, fileProgress);
                }
            }).ConfigureAwait(false);

        return EnsureDirectory(destination.SnapshotFolder(commit));
    }

    /// <summary>
    /// Refuses a selection that names a path both as a file and as a folder of other files (<c>a</c> and <c>a/b.txt</c>): no
    /// folder can hold both, and a hub's git tree never lists both.
    /// </summary>
    private static void ThrowIfAFileIsAFolder(TreeFile[] files, string repoId, string commit)
    {
        var paths = new HashSet<string>(files.Select(f => f.Path), StringComparer.Ordinal);
        foreach (TreeFile file in files)
        {
            for (int slash = file.Path.IndexOf('/', StringComparison.Ordinal); slash > 0; slash = file.Path.IndexOf('/', slash + 1))
            {
                if (paths.Contains(file.Path[..slash]))
                {
                    throw new HubProtocolException(
                        $"The file list of {repoId}@{commit} names '{RepoId.Printable(file.Path[..slash])}' both as a file and as the folder of '{RepoId.Printable(file.Path)}'.", null);
                }
            }
        }
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
        HubFileMetadata metadata = file.MetadataAt(commit, resolve);
        // If the signed CDN address expires mid-file, asking the resolve URL again yields a fresh one.
        var request = new TransferRequest(file.Path, resolve, file.Etag, file.ContentSize, progress, _ => Task.FromResult(resolve),
            FileDownloadPipeline.XetReference(options.RepoType, repoId, file.Path, metadata));
        await _pipeline.PlaceAsync(destination, repoId, file.Path, metadata, request, options.ForceDownload, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The snapshot as held, when every selected file of the held listing is present; otherwise
    /// <see cref="LocalEntryNotFoundException"/> naming what is missing (or the hub's own error when the repository is
    /// missing or private). Without a held listing the snapshot folder (or the local directory, even when the cache does
    /// not know the revision's commit) is returned as it is when it holds anything, as huggingface_hub does (it cannot be
    /// checked); an empty or absent one is <see cref="LocalEntryNotFoundException"/> (huggingface_hub returns an empty
    /// snapshot folder too: an empty folder is no snapshot).
    /// </summary>
    private string FromHeld(IDownloadDestination destination, RepoCacheLayout layout, string repoId, string revision, RepoPathFilter filter, SnapshotListing held)
    {
        if (held.Files is null)
        {
            string folder = destination.SnapshotFolder(held.Commit);
            if (!EntryPresence.HoldsAnything(folder)) throw SnapshotListingResolver.ListingNotCached(repoId, held.Commit, destination.ListingFolder, held.Cause);
            if (held.CommitUnknown) HubLog.LocalDirectoryUnchecked(_http.Logger, repoId, revision, folder);
            else HubLog.SnapshotUnchecked(_http.Logger, repoId, held.Commit, folder);
            if (held.Cause is not null) _pipeline.Resolver.LogServedFromCache(repoId, "snapshot", held.Cause);
            return folder;
        }
        // A local directory's files are the user's to edit: any file there counts, as in huggingface_hub; a cache entry
        // of another size is a truncated or damaged copy.
        bool anySize = destination is LocalDirectoryDestination;
        string[] missing = held.Files
            .Where(f => filter.IsSelected(f.Path) && !EntryPresence.IsPresent(destination.EntryPath(held.Commit, f.Path), anySize ? null : f.ContentSize)
                && !TryPlacePublished(destination, held.Commit, f))
            .Select(f => f.Path).ToArray();
        if (missing.Length > 0)
        {
            DownloadResolver.ThrowIfAccessError(held.Cause);
            string sample = string.Join(", ", missing.Take(5)) + (missing.Length > 5 ? $", … ({missing.Length - 5} more)" : "");
            throw new LocalEntryNotFoundException(
                $"The cached snapshot of {repoId}@{revision} (commit {held.Commit}) is incomplete: {missing.Length} file(s) missing ({sample}), and {DownloadResolver.WhyOffline(held.Cause)}.",
                missing, held.Cause);
        }
        if (held.Cause is not null) _pipeline.Resolver.LogServedFromCache(repoId, "snapshot", held.Cause);
        HubTelemetry.CacheHits.Add(held.Files.Count(f => filter.IsSelected(f.Path)));
        return destination.SnapshotFolder(held.Commit);
    }

    /// <summary>
    /// Makes the entry of a file whose content is published but not linked (a run stopped between the two) from what is
    /// held, as a run online would without a request; false when the content is not there or the entry cannot be made.
    /// </summary>
    private static bool TryPlacePublished(IDownloadDestination destination, string commit, TreeFile file)
    {
        HubFileMetadata metadata = file.MetadataAt(commit, new Uri("http://offline.invalid/"));
        if (!EntryPresence.IsPresent(destination.TargetFor(file.Path, metadata).FinalPath, file.ContentSize)) return false;
        try
        {
            return FileDownloadPipeline.TryPlace(destination, file.Path, metadata, newlyPublished: false) is not null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // A read-only cache: the file stays missing.
        }
    }


    private static string EnsureDirectory(string path)
    {
        Directory.CreateDirectory(path);
        return path;
    }
}
