using System.Text.Json.Serialization.Metadata;

namespace HubClient;

/// <summary>
/// The hub's repository API behind <see cref="HubApi"/>: repo info, tree listings, refs, commits, searches. Arguments are
/// already validated; what the hub answers is checked here (commit ids, paths safe to join to a folder).
/// </summary>
internal sealed class RepoApiClient
{
    private readonly HubJsonClient _json;

    public RepoApiClient(HubJsonClient json) => _json = json;

    public async Task<RepoInfo> GetRepoInfoAsync(
        RepoType type, string repoId, string revision, bool filesMetadata, IReadOnlyList<string> expand, CancellationToken cancellationToken) => type switch
    {
        RepoType.Model => await GetRepoInfoAsync(type, repoId, revision, filesMetadata, expand, HubJsonContext.Default.ModelInfo, cancellationToken).ConfigureAwait(false),
        RepoType.Dataset => await GetRepoInfoAsync(type, repoId, revision, filesMetadata, expand, HubJsonContext.Default.DatasetInfo, cancellationToken).ConfigureAwait(false),
        RepoType.Space => await GetRepoInfoAsync(type, repoId, revision, filesMetadata, expand, HubJsonContext.Default.SpaceInfo, cancellationToken).ConfigureAwait(false),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown repository type."),
    };

    /// <summary><c>GET /api/{type}s/{repo}/revision/{rev}?blobs=true&amp;expand=…</c>.</summary>
    public async Task<T> GetRepoInfoAsync<T>(
        RepoType type, string repoId, string revision, bool filesMetadata, IReadOnlyList<string> expand, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
        where T : RepoInfo
    {
        Uri uri = RepoUri(type, repoId, "revision/" + Uri.EscapeDataString(revision), new QueryString().AddFlag("blobs", filesMetadata).AddEach("expand", expand));
        T info = await _json.GetAsync(uri, typeInfo, cancellationToken).ConfigureAwait(false);
        // With expand the hub sends only the fields asked for; otherwise the resolved commit is always there.
        if (expand.Count == 0 && !Revision.IsCommitHash(info.Sha))
        {
            throw new HubProtocolException($"The repo info of {repoId}@{revision} has no valid commit id ('sha': '{info.Sha}').", uri);
        }
        foreach (RepoSibling sibling in info.Siblings)
        {
            CheckPath(sibling.Path, uri);
            CheckLfs(sibling.Lfs, sibling.Path, uri);
        }
        return info;
    }

    /// <summary><c>GET /api/{type}s/{repo}/tree/{rev}/{path}?recursive=true&amp;expand=true</c>, paginated by <c>Link</c>.</summary>
    public HubPageable<RepoTreeEntry> ListTree(
        RepoType type, string repoId, string revision, string? path, bool recursive, bool expand, CancellationToken cancellationToken)
    {
        string suffix = "tree/" + Uri.EscapeDataString(revision) + (string.IsNullOrEmpty(path) ? "" : "/" + HubHttp.EscapePath(path));
        Uri firstPage = RepoUri(type, repoId, suffix, new QueryString().AddFlag("recursive", recursive).AddFlag("expand", expand));
        return new LinkedPageable<RepoTreeEntry>(_json, firstPage, GetTreePageAsync, limit: null, cancellationToken);
    }

    private async Task<LinkedPage<RepoTreeEntry>> GetTreePageAsync(Uri uri, CancellationToken cancellationToken)
    {
        (List<RepoTreeEntry> entries, Uri? next) = await _json.GetPageAsync(uri, HubJsonContext.Default.ListRepoTreeEntry, cancellationToken).ConfigureAwait(false);
        CheckEntries(entries, uri);
        return new LinkedPage<RepoTreeEntry>(entries, next);
    }

    private static void CheckEntries(List<RepoTreeEntry> entries, Uri uri)
    {
        foreach (RepoTreeEntry entry in entries)
        {
            CheckPath(entry.Path, uri);
            if (entry is RepoFile file) CheckLfs(file.Lfs, file.Path, uri);
        }
    }

    /// <summary>Refuses a path from the hub that could escape a folder it is joined to ('..', absolute, drive letter, NUL).</summary>
    private static void CheckPath(string path, Uri uri)
    {
        if (!RepoPath.IsValid(path))
        {
            throw new HubProtocolException($"The hub listed an unsafe path '{RepoId.Printable(path)}' (absolute, '..', drive letter or control character): refused.", uri);
        }
    }

    private static void CheckLfs(LfsInfo? lfs, string path, Uri uri)
    {
        if (lfs is not null && string.IsNullOrEmpty(lfs.Oid))
        {
            throw new HubProtocolException($"The LFS details of '{RepoId.Printable(path)}' have no SHA-256.", uri);
        }
    }

    private Uri RepoUri(RepoType type, string repoId, string suffix, QueryString query) =>
        _json.Http.ApiUri("api/" + type.Plural() + "/" + repoId + "/" + suffix + query);
}
