namespace HubClient;

/// <summary>
/// Plans a snapshot download without writing anything: the revision and its listing resolve exactly as
/// <see cref="SnapshotDownloader"/> resolves them (<see cref="SnapshotListingResolver"/>, falling back to the cache when
/// the hub cannot answer, but not caching a fetched listing), and a file counts as in place by the destination's own rule
/// (<see cref="IDownloadDestination.IsPresentAsync"/>, recording nothing).
/// </summary>
internal sealed class SnapshotPlanner
{
    private readonly HubHttp _http;
    private readonly FileDownloadPipeline _pipeline;
    private readonly SnapshotListingResolver _listings;

    public SnapshotPlanner(HubHttp http, RepoApiClient repoApi, FileDownloadPipeline pipeline)
    {
        _http = http;
        _pipeline = pipeline;
        _listings = new SnapshotListingResolver(repoApi, pipeline.Resolver);
    }

    public async Task<SnapshotDownloadPlan> PlanAsync(string repoId, string revision, SnapshotDownloadOptions options, CancellationToken cancellationToken)
    {
        var layout = new RepoCacheLayout(_http.Options.CacheDirectory, options.RepoType, repoId);
        IDownloadDestination destination = _pipeline.DestinationFor(options.RepoType, repoId, options.LocalDirectory);
        var filter = new RepoPathFilter(options.AllowPatterns, options.IgnorePatterns);

        SnapshotListing listing = await _listings.ResolveAsync(
            options.RepoType, repoId, revision, layout, destination.ListingFolder, folderIfUnheld: null, options.LocalFilesOnly, options.ForceDownload, cacheListing: false,
            cancellationToken).ConfigureAwait(false);

        var planned = new List<PlannedFile>();
        foreach (TreeFile file in listing.RequireFiles(repoId, destination.ListingFolder).Where(f => filter.IsSelected(f.Path)).OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            HubFileMetadata metadata = file.MetadataAt(listing.Commit, _http.ResolveUri(options.RepoType, repoId, listing.Commit, file.Path));
            bool inPlace = await destination.IsPresentAsync(file.Path, metadata, recordCommit: false, cancellationToken).ConfigureAwait(false);
            planned.Add(new PlannedFile(file.Path, file.ContentSize, destination.EntryPath(listing.Commit, file.Path), inPlace, willDownload: !inPlace || options.ForceDownload));
        }
        return new SnapshotDownloadPlan(repoId, options.RepoType, listing.Commit, planned);
    }
}
