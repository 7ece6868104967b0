namespace HubClient;

public partial class HubApi
{
    private RepoApiClient? _repoApi;

    private RepoApiClient RepoApi => _repoApi ??= new RepoApiClient(new HubJsonClient(_http));

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
    public virtual HubPageable<RepoTreeEntry> ListRepoTreeAsync(
        string repoId, string? path = null, bool recursive = false, bool expand = false, string? revision = null,
        RepoType repoType = RepoType.Model, CancellationToken cancellationToken = default)
    {
        RepoId.Validate(repoId);
        if (!string.IsNullOrEmpty(path)) RepoPath.Validate(path);
        return RepoApi.ListTree(repoType, repoId, Revision.Normalize(revision), path, recursive, expand, cancellationToken);
    }

    private static (string Revision, string[] Expand) CheckRepoInfoArguments(string repoId, string? revision, bool filesMetadata, IEnumerable<string>? expand)
    {
        RepoId.Validate(repoId);
        string rev = Revision.Normalize(revision);
        string[] fields = expand?.ToArray() ?? [];
        if (fields.Length > 0 && filesMetadata)
        {
            throw new ArgumentException("'expand' cannot be combined with 'filesMetadata': the hub rejects it.", nameof(expand));
        }
        return (rev, fields);
    }
}
