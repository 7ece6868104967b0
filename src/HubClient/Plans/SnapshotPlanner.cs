namespace HubClient;

/// <summary>
/// Plans a snapshot download read-only: the revision resolves as <see cref="SnapshotDownloader"/> resolves it (repo info,
/// or <c>refs/</c> offline), the listing comes from <c>trees/{commit}.json</c> or the hub (and is not cached here), and a
/// file counts as in place when its entry resolves to a readable regular file of the listed size (in a local directory,
/// also recorded for that commit).
/// </summary>
internal sealed class SnapshotPlanner
{
    private readonly HubHttp _http;
    private readonly RepoApiClient _repoApi;

    public SnapshotPlanner(HubHttp http, RepoApiClient repoApi)
    {
        _http = http;
        _repoApi = repoApi;
    }

    public async Task<SnapshotDownloadPlan> PlanAsync(string repoId, string revision, SnapshotDownloadOptions options, CancellationToken cancellationToken)
    {
        var layout = new RepoCacheLayout(_http.Options.CacheDirectory, options.RepoType, repoId);
        string? localDirectory = options.LocalDirectory is null ? null : Path.GetFullPath(options.LocalDirectory);
        string treeFolder = localDirectory is null ? layout.RepoDirectory : LocalDirectoryMetadata.HuggingFaceDirectory(localDirectory);
        var filter = new RepoPathFilter(options.AllowPatterns, options.IgnorePatterns);
        bool offline = _http.Options.Offline || options.LocalFilesOnly;

        string commit = Revision.IsCommitHash(revision) ? revision
            : offline ? CacheLookup.ResolveCommit(layout, revision) ?? throw new LocalEntryNotFoundException(
                $"Revision '{revision}' of {repoId} is not in the cache at {layout.RepoDirectory}, and the network is off (offline mode or LocalFilesOnly).")
            : (await _repoApi.GetRepoInfoAsync(options.RepoType, repoId, revision, filesMetadata: false, [], cancellationToken).ConfigureAwait(false)).Sha
                ?? throw new HubProtocolException($"The repo info of {repoId}@{revision} has no commit id.", null);

        IReadOnlyList<TreeFile>? files = TreeCache.Read(treeFolder, commit);
        if (files is null)
        {
            if (offline)
            {
                throw new LocalEntryNotFoundException(
                    $"The file list of {repoId}@{commit} is not cached ({TreeCache.PathFor(treeFolder, commit)}), and the network is off (offline mode or LocalFilesOnly).");
            }
            var listed = new List<TreeFile>();
            await foreach (RepoTreeEntry entry in _repoApi.ListTree(options.RepoType, repoId, commit, path: null, recursive: true, expand: false, cancellationToken).ConfigureAwait(false))
            {
                if (entry is RepoFile file) listed.Add(TreeFile.From(file));
            }
            files = listed;
        }

        PlannedFile[] planned = files
            .Where(f => filter.IsSelected(f.Path))
            .OrderBy(f => f.Path, StringComparer.Ordinal)
            .Select(f =>
            {
                string localPath = localDirectory is null ? layout.SnapshotPath(commit, f.Path) : Path.Combine([localDirectory, .. f.Path.Split('/')]);
                bool cached = EntryPresence.IsPresent(localPath, f.ContentSize)
                    && (localDirectory is null || LocalDirectoryMetadata.Read(localDirectory, f.Path)?.CommitHash == commit);
                return new PlannedFile(f.Path, f.ContentSize, localPath, cached, willDownload: !cached || options.ForceDownload);
            })
            .ToArray();
        return new SnapshotDownloadPlan(repoId, options.RepoType, commit, planned);
    }
}
