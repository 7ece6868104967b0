namespace HubClient;

public partial class HubApi
{
    private RepoApiClient? _repoApi;

    private RepoApiClient RepoApi => Live(_repoApi ??= new RepoApiClient(new HubJsonClient(_http), MetadataFetcher));

    /// <summary>
    /// Searches the hub's models (<c>GET /api/models</c>), lazily: pages are fetched as the enumeration needs them and no
    /// further once <see cref="RepoSearch.Limit"/> is reached.
    /// </summary>
    /// <example>
    /// <code>
    /// await foreach (ModelInfo model in hub.ListModelsAsync(new ModelSearch { Author = "acme", Sort = RepoSort.Downloads, Limit = 50 }))
    ///     Console.WriteLine($"{model.Id} {model.Downloads}");
    /// </code>
    /// </example>
    /// <param name="search">What to look for; everything when null.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <exception cref="ArgumentException">A combination the hub rejects (Expand with Full or CardData), a negative Limit (thrown at once).</exception>
    /// <returns>A lazy listing: nothing is requested until it is enumerated, and errors about the repository are thrown by the enumeration.</returns>
    public virtual HubPageable<ModelInfo> ListModelsAsync(ModelSearch? search = null, CancellationToken cancellationToken = default)
    {
        search ??= new ModelSearch();
        search.Validate(nameof(search));
        return RepoApi.ListRepos(RepoType.Model, search, HubJsonContext.Default.ListModelInfo, cancellationToken);
    }

    /// <summary>Searches the hub's datasets (<c>GET /api/datasets</c>), lazily; see <see cref="ListModelsAsync"/>.</summary>
    /// <param name="search">What to look for; everything when null.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <exception cref="ArgumentException">Expand with Full, or a negative Limit (thrown at once).</exception>
    /// <returns>A lazy listing: nothing is requested until it is enumerated, and errors about the repository are thrown by the enumeration.</returns>
    public virtual HubPageable<DatasetInfo> ListDatasetsAsync(DatasetSearch? search = null, CancellationToken cancellationToken = default)
    {
        search ??= new DatasetSearch();
        search.Validate(nameof(search));
        return RepoApi.ListRepos(RepoType.Dataset, search, HubJsonContext.Default.ListDatasetInfo, cancellationToken);
    }

    /// <summary>Searches the hub's Spaces (<c>GET /api/spaces</c>), lazily; see <see cref="ListModelsAsync"/>.</summary>
    /// <param name="search">What to look for; everything when null.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <exception cref="ArgumentException">Expand with Full, or a negative Limit (thrown at once).</exception>
    /// <returns>A lazy listing: nothing is requested until it is enumerated, and errors about the repository are thrown by the enumeration.</returns>
    public virtual HubPageable<SpaceInfo> ListSpacesAsync(SpaceSearch? search = null, CancellationToken cancellationToken = default)
    {
        search ??= new SpaceSearch();
        search.Validate(nameof(search));
        return RepoApi.ListRepos(RepoType.Space, search, HubJsonContext.Default.ListSpaceInfo, cancellationToken);
    }

    /// <summary>
    /// Gets what the hub says about a repository at a revision (<c>GET /api/{type}s/{repo}/revision/{rev}</c>): the commit
    /// it resolves to (<see cref="RepoInfo.Sha"/>), its files, tags, counters and card data. The result is a
    /// <see cref="ModelInfo"/>, <see cref="DatasetInfo"/> or <see cref="SpaceInfo"/> according to <paramref name="repoType"/>.
    /// </summary>
    /// <param name="repoId">The repository, <c>name</c> or <c>namespace/name</c>.</param>
    /// <param name="revision">A branch, tag, <c>refs/pr/N</c> or commit id; default <c>main</c>.</param>
    /// <param name="repoType">The kind of repository.</param>
    /// <param name="filesMetadata">Also report each file's size, blob id and LFS details (<c>blobs=true</c>).</param>
    /// <param name="expand">Only these fields (<c>expand=…</c>, such as <c>downloads</c>, <c>likes</c>); not with <paramref name="filesMetadata"/>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="ArgumentException">Invalid repo id or revision, or <paramref name="expand"/> with <paramref name="filesMetadata"/> (nothing was requested).</exception>
    /// <exception cref="RepositoryNotFoundException">The repository does not exist or is private.</exception>
    /// <exception cref="GatedRepositoryException">The repository is gated and the token has no access.</exception>
    /// <exception cref="RevisionNotFoundException">The revision does not exist.</exception>
    /// <exception cref="HubProtocolException">The answer is not the JSON expected.</exception>
    /// <returns>What the hub says about the repository (commit, files, visibility, counters, tags): a <see cref="ModelInfo"/>, <see cref="DatasetInfo"/> or <see cref="SpaceInfo"/> by <paramref name="repoType"/>.</returns>
    public virtual Task<RepoInfo> GetRepoInfoAsync(
        string repoId, string? revision = null, RepoType repoType = RepoType.Model, bool filesMetadata = false,
        IEnumerable<string>? expand = null, CancellationToken cancellationToken = default)
    {
        (string rev, string[] fields) = CheckRepoInfoArguments(repoId, revision, filesMetadata, expand);
        return RepoApi.GetRepoInfoAsync(repoType, repoId, rev, filesMetadata, fields, cancellationToken);
    }

    /// <summary>Gets what the hub says about a model; see <see cref="GetRepoInfoAsync"/>.</summary>
    /// <param name="repoId">The repository, <c>name</c> or <c>namespace/name</c>.</param>
    /// <param name="revision">A branch, tag, <c>refs/pr/N</c> or commit id; default <c>main</c>.</param>
    /// <param name="filesMetadata">Also report each file's size, blob id and LFS details.</param>
    /// <param name="expand">Only these fields; not with <paramref name="filesMetadata"/>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>What the hub says about the model.</returns>
    /// <exception cref="ArgumentException">Invalid repo id or revision, or <paramref name="expand"/> with <paramref name="filesMetadata"/> (nothing was requested).</exception>
    /// <exception cref="RepositoryNotFoundException">The repository does not exist or is private.</exception>
    /// <exception cref="GatedRepositoryException">The repository is gated and the token has no access.</exception>
    /// <exception cref="RevisionNotFoundException">The revision does not exist.</exception>
    /// <exception cref="HubProtocolException">The answer is not the JSON expected.</exception>
    public virtual Task<ModelInfo> GetModelInfoAsync(
        string repoId, string? revision = null, bool filesMetadata = false, IEnumerable<string>? expand = null, CancellationToken cancellationToken = default)
    {
        (string rev, string[] fields) = CheckRepoInfoArguments(repoId, revision, filesMetadata, expand);
        return RepoApi.GetRepoInfoAsync(RepoType.Model, repoId, rev, filesMetadata, fields, HubJsonContext.Default.ModelInfo, cancellationToken);
    }

    /// <summary>Gets what the hub says about a dataset; see <see cref="GetRepoInfoAsync"/>.</summary>
    /// <param name="repoId">The repository, <c>name</c> or <c>namespace/name</c>.</param>
    /// <param name="revision">A branch, tag, <c>refs/pr/N</c> or commit id; default <c>main</c>.</param>
    /// <param name="filesMetadata">Also report each file's size, blob id and LFS details.</param>
    /// <param name="expand">Only these fields; not with <paramref name="filesMetadata"/>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>What the hub says about the dataset.</returns>
    /// <exception cref="ArgumentException">Invalid repo id or revision, or <paramref name="expand"/> with <paramref name="filesMetadata"/> (nothing was requested).</exception>
    /// <exception cref="RepositoryNotFoundException">The repository does not exist or is private.</exception>
    /// <exception cref="GatedRepositoryException">The repository is gated and the token has no access.</exception>
    /// <exception cref="RevisionNotFoundException">The revision does not exist.</exception>
    /// <exception cref="HubProtocolException">The answer is not the JSON expected.</exception>
    public virtual Task<DatasetInfo> GetDatasetInfoAsync(
        string repoId, string? revision = null, bool filesMetadata = false, IEnumerable<string>? expand = null, CancellationToken cancellationToken = default)
    {
        (string rev, string[] fields) = CheckRepoInfoArguments(repoId, revision, filesMetadata, expand);
        return RepoApi.GetRepoInfoAsync(RepoType.Dataset, repoId, rev, filesMetadata, fields, HubJsonContext.Default.DatasetInfo, cancellationToken);
    }

    /// <summary>Gets what the hub says about a Space; see <see cref="GetRepoInfoAsync"/>.</summary>
    /// <param name="repoId">The repository, <c>name</c> or <c>namespace/name</c>.</param>
    /// <param name="revision">A branch, tag, <c>refs/pr/N</c> or commit id; default <c>main</c>.</param>
    /// <param name="filesMetadata">Also report each file's size, blob id and LFS details.</param>
    /// <param name="expand">Only these fields; not with <paramref name="filesMetadata"/>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>What the hub says about the Space.</returns>
    /// <exception cref="ArgumentException">Invalid repo id or revision, or <paramref name="expand"/> with <paramref name="filesMetadata"/> (nothing was requested).</exception>
    /// <exception cref="RepositoryNotFoundException">The repository does not exist or is private.</exception>
    /// <exception cref="GatedRepositoryException">The repository is gated and the token has no access.</exception>
    /// <exception cref="RevisionNotFoundException">The revision does not exist.</exception>
    /// <exception cref="HubProtocolException">The answer is not the JSON expected.</exception>
    public virtual Task<SpaceInfo> GetSpaceInfoAsync(
        string repoId, string? revision = null, bool filesMetadata = false, IEnumerable<string>? expand = null, CancellationToken cancellationToken = default)
    {
        (string rev, string[] fields) = CheckRepoInfoArguments(repoId, revision, filesMetadata, expand);
        return RepoApi.GetRepoInfoAsync(RepoType.Space, repoId, rev, filesMetadata, fields, HubJsonContext.Default.SpaceInfo, cancellationToken);
    }

    /// <summary>
    /// Lists the files and folders of a repository at a revision (<c>GET /api/{type}s/{repo}/tree/{rev}/{path}</c>),
    /// lazily, one page of about 1,000 entries at a time. Entries are <see cref="RepoFile"/> or <see cref="RepoFolder"/>;
    /// every path is checked to be a safe relative path before it is returned.
    /// </summary>
    /// <param name="repoId">The repository, <c>name</c> or <c>namespace/name</c>.</param>
    /// <param name="path">The folder to list; null for the root.</param>
    /// <param name="recursive">List everything below the folder (files and folders), not only its direct entries.</param>
    /// <param name="expand">Also report each entry's last commit and each file's security scan (slower: about 50 per page).</param>
    /// <param name="revision">A branch, tag, <c>refs/pr/N</c> or commit id; default <c>main</c>.</param>
    /// <param name="repoType">The kind of repository.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <exception cref="ArgumentException">Invalid repo id, path or revision (thrown at once).</exception>
    /// <remarks>
    /// Errors of the hub are thrown while enumerating: <see cref="RepositoryNotFoundException"/>,
    /// <see cref="GatedRepositoryException"/>, <see cref="RevisionNotFoundException"/>, <see cref="EntryNotFoundException"/>
    /// (no such folder), <see cref="HubProtocolException"/> (malformed answer or unsafe path).
    /// </remarks>
    /// <returns>A lazy listing: nothing is requested until it is enumerated, and errors about the repository are thrown by the enumeration.</returns>
    public virtual HubPageable<RepoTreeEntry> ListRepoTreeAsync(
        string repoId, string? path = null, bool recursive = false, bool expand = false, string? revision = null,
        RepoType repoType = RepoType.Model, CancellationToken cancellationToken = default)
    {
        RepoId.Validate(repoId);
        if (!string.IsNullOrEmpty(path)) RepoPath.Validate(path);
        return RepoApi.ListTree(repoType, repoId, Revision.Normalize(revision), path, recursive, expand, cancellationToken);
    }

    /// <summary>Lists the paths of every file (not folder) of a repository at a revision, lazily, from the recursive tree listing.</summary>
    /// <param name="repoId">The repository, <c>name</c> or <c>namespace/name</c>.</param>
    /// <param name="revision">A branch, tag, <c>refs/pr/N</c> or commit id; default <c>main</c>.</param>
    /// <param name="repoType">The kind of repository.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <exception cref="ArgumentException">Invalid repo id or revision (thrown at once).</exception>
    /// <returns>A lazy listing: nothing is requested until it is enumerated, and errors about the repository are thrown by the enumeration.</returns>
    public virtual HubPageable<string> ListRepoFilesAsync(
        string repoId, string? revision = null, RepoType repoType = RepoType.Model, CancellationToken cancellationToken = default)
    {
        RepoId.Validate(repoId);
        return RepoApi.ListFiles(repoType, repoId, Revision.Normalize(revision), cancellationToken);
    }

    /// <summary>Whether a file exists at a revision (one HEAD on its URL, as for a download).</summary>
    /// <param name="repoId">The repository, <c>name</c> or <c>namespace/name</c>.</param>
    /// <param name="path">The file's path in the repository.</param>
    /// <param name="revision">A branch, tag, <c>refs/pr/N</c> or commit id; default <c>main</c>.</param>
    /// <param name="repoType">The kind of repository.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>False when the file, the revision or the repository does not exist (or the repository is private).</returns>
    /// <exception cref="GatedRepositoryException">The repository is gated and the token has no access: whether the file exists cannot be known.</exception>
    public virtual Task<bool> FileExistsAsync(
        string repoId, string path, string? revision = null, RepoType repoType = RepoType.Model, CancellationToken cancellationToken = default)
    {
        RepoId.Validate(repoId);
        RepoPath.Validate(path);
        return RepoApi.FileExistsAsync(repoType, repoId, Revision.Normalize(revision), path, cancellationToken);
    }

    /// <summary>Whether a repository exists (and is visible with the current token). A gated repository exists.</summary>
    /// <param name="repoId">The repository, <c>name</c> or <c>namespace/name</c>.</param>
    /// <param name="repoType">The kind of repository.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>True when the repository exists and is visible with the current token (a gated one counts); false when it does not exist or is private.</returns>
    /// <exception cref="ArgumentException">Invalid repo id (nothing was requested).</exception>
    /// <exception cref="HubException">Any other error of the hub, after retries (5xx, 429 as <see cref="RateLimitedException"/>).</exception>
    public virtual Task<bool> RepoExistsAsync(string repoId, RepoType repoType = RepoType.Model, CancellationToken cancellationToken = default)
    {
        RepoId.Validate(repoId);
        return RepoApi.RepoExistsAsync(repoType, repoId, cancellationToken);
    }

    /// <summary>Whether a branch, tag or commit exists in a repository.</summary>
    /// <param name="repoId">The repository, <c>name</c> or <c>namespace/name</c>.</param>
    /// <param name="revision">A branch, tag, <c>refs/pr/N</c> or commit id.</param>
    /// <param name="repoType">The kind of repository.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>False when the revision or the repository does not exist (or the repository is private).</returns>
    /// <exception cref="GatedRepositoryException">The repository is gated and the token has no access.</exception>
    public virtual Task<bool> RevisionExistsAsync(string repoId, string revision, RepoType repoType = RepoType.Model, CancellationToken cancellationToken = default)
    {
        RepoId.Validate(repoId);
        ArgumentNullException.ThrowIfNull(revision);
        return RepoApi.RevisionExistsAsync(repoType, repoId, Revision.Normalize(revision), cancellationToken);
    }

    /// <summary>
    /// Gets the entries of some paths at a revision in one request (<c>POST /api/{type}s/{repo}/paths-info/{rev}</c>): a
    /// <see cref="RepoFile"/> or <see cref="RepoFolder"/> for each path that exists; missing paths are left out.
    /// </summary>
    /// <param name="repoId">The repository, <c>name</c> or <c>namespace/name</c>.</param>
    /// <param name="paths">The paths to look up.</param>
    /// <param name="expand">Also report last commits and security scans.</param>
    /// <param name="revision">A branch, tag, <c>refs/pr/N</c> or commit id; default <c>main</c>.</param>
    /// <param name="repoType">The kind of repository.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="ArgumentException">Invalid repo id, revision or path, or no path at all (nothing was requested).</exception>
    /// <returns>An entry for each path that exists; missing paths are left out.</returns>
    /// <exception cref="RepositoryNotFoundException">The repository does not exist or is private.</exception>
    /// <exception cref="GatedRepositoryException">The repository is gated and the token has no access.</exception>
    /// <exception cref="RevisionNotFoundException">The revision does not exist.</exception>
    public virtual Task<IReadOnlyList<RepoTreeEntry>> GetPathsInfoAsync(
        string repoId, IEnumerable<string> paths, bool expand = false, string? revision = null, RepoType repoType = RepoType.Model,
        CancellationToken cancellationToken = default)
    {
        RepoId.Validate(repoId);
        ArgumentNullException.ThrowIfNull(paths);
        string[] list = paths.ToArray();
        if (list.Length == 0) throw new ArgumentException("At least one path is needed.", nameof(paths));
        foreach (string path in list) RepoPath.Validate(path, nameof(paths));
        return RepoApi.GetPathsInfoAsync(repoType, repoId, Revision.Normalize(revision), list, expand, cancellationToken);
    }

    /// <summary>Lists a repository's branches, tags and converts, and its pull requests if asked (<c>GET /api/{type}s/{repo}/refs</c>).</summary>
    /// <param name="repoId">The repository, <c>name</c> or <c>namespace/name</c>.</param>
    /// <param name="includePullRequests">Also list the pull requests' refs (<c>refs/pr/N</c>).</param>
    /// <param name="repoType">The kind of repository.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The branches, tags, converts and (if asked) pull requests, each with the commit it points at.</returns>
    /// <exception cref="ArgumentException">Invalid repo id (nothing was requested).</exception>
    /// <exception cref="RepositoryNotFoundException">The repository does not exist or is private.</exception>
    /// <exception cref="GatedRepositoryException">The repository is gated and the token has no access.</exception>
    /// <exception cref="HubProtocolException">The answer is not the JSON expected.</exception>
    public virtual Task<GitRefs> ListRepoRefsAsync(
        string repoId, bool includePullRequests = false, RepoType repoType = RepoType.Model, CancellationToken cancellationToken = default)
    {
        RepoId.Validate(repoId);
        return RepoApi.GetRefsAsync(repoType, repoId, includePullRequests, cancellationToken);
    }

    /// <summary>Lists the commits reachable from a revision, newest first, lazily (<c>GET /api/{type}s/{repo}/commits/{rev}</c>).</summary>
    /// <param name="repoId">The repository, <c>name</c> or <c>namespace/name</c>.</param>
    /// <param name="revision">A branch, tag, <c>refs/pr/N</c> or commit id; default <c>main</c>.</param>
    /// <param name="repoType">The kind of repository.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <exception cref="ArgumentException">Invalid repo id or revision (thrown at once).</exception>
    /// <returns>A lazy listing: nothing is requested until it is enumerated, and errors about the repository are thrown by the enumeration.</returns>
    public virtual HubPageable<CommitInfo> ListRepoCommitsAsync(
        string repoId, string? revision = null, RepoType repoType = RepoType.Model, CancellationToken cancellationToken = default)
    {
        RepoId.Validate(repoId);
        return RepoApi.ListCommits(repoType, repoId, Revision.Normalize(revision), cancellationToken);
    }

    private static (string Revision, string[] Expand) CheckRepoInfoArguments(string repoId, string? revision, bool filesMetadata, IEnumerable<string>? expand)
    {
        RepoId.Validate(repoId);
        string rev = Revision.Normalize(revision);
        string[] fields = expand?.ToArray() ?? [];
        if (fields.Any(string.IsNullOrEmpty)) throw new ArgumentException("'expand' must not contain empty values.", nameof(expand));
        if (fields.Length > 0 && filesMetadata)
        {
            throw new ArgumentException("'expand' cannot be combined with 'filesMetadata': the hub rejects it.", nameof(expand));
        }
        return (rev, fields);
    }
}
