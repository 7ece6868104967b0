using System.Text.Json.Serialization.Metadata;

namespace HubClient;

/// <summary>
/// The hub's repository API behind <see cref="HubApi"/>: repo info, tree listings, refs, commits, searches. Arguments are
/// already validated; what the hub answers is checked here (commit ids, paths safe to join to a folder).
/// </summary>
internal sealed class RepoApiClient
{
    private readonly HubJsonClient _json;
    private readonly FileMetadataFetcher _metadata;

    public RepoApiClient(HubJsonClient json, FileMetadataFetcher metadata)
    {
        _json = json;
        _metadata = metadata;
    }

    /// <summary><c>GET /api/{type}s?search=…</c>, paginated by <c>Link</c>, ending at <see cref="RepoSearch.Limit"/>.</summary>
    public HubPageable<T> ListRepos<T>(RepoType type, RepoSearch search, JsonTypeInfo<List<T>> typeInfo, CancellationToken cancellationToken)
        where T : RepoInfo
    {
        var query = new QueryString();
        search.AddTo(query);
        Uri firstPage = _json.Http.ApiUri("api/" + type.Plural() + query);
        return new LinkedPageable<T>(_json, firstPage, async (uri, ct) =>
        {
            (List<T> repos, Uri? next) = await _json.GetPageAsync(uri, typeInfo, ct).ConfigureAwait(false);
            CheckNoNull(repos, uri);
            foreach (T repo in repos) CheckSiblings(repo, uri);
            return new LinkedPage<T>(repos, next);
        }, search.Limit, cancellationToken);
    }

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
        CheckSiblings(info, uri);
        return info;
    }

    /// <summary>Whether the repository exists: a gated one does, even without access; so does one without the default branch.</summary>
    public async Task<bool> RepoExistsAsync(RepoType type, string repoId, CancellationToken cancellationToken)
    {
        try
        {
            await GetRepoInfoAsync(type, repoId, Revision.Default, filesMetadata: false, [], cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is GatedRepositoryException or RevisionNotFoundException)
        {
            return true;
        }
        catch (RepositoryNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Whether the revision exists in the repository (false too when the repository does not exist).</summary>
    public async Task<bool> RevisionExistsAsync(RepoType type, string repoId, string revision, CancellationToken cancellationToken)
    {
        try
        {
            await GetRepoInfoAsync(type, repoId, revision, filesMetadata: false, [], cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is RevisionNotFoundException or RepositoryNotFoundException and not GatedRepositoryException)
        {
            return false;
        }
    }

    /// <summary>Whether the file exists, by a HEAD on its resolve URL as huggingface_hub does.</summary>
    public async Task<bool> FileExistsAsync(RepoType type, string repoId, string revision, string path, CancellationToken cancellationToken)
    {
        try
        {
            await _metadata.GetAsync(type, repoId, revision, path, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is EntryNotFoundException or RevisionNotFoundException or RepositoryNotFoundException and not GatedRepositoryException)
        {
            return false;
        }
    }

    /// <summary><c>GET /api/{type}s/{repo}/tree/{rev}/{path}?recursive=true&amp;expand=true</c>, paginated by <c>Link</c>.</summary>
    public HubPageable<RepoTreeEntry> ListTree(
        RepoType type, string repoId, string revision, string? path, bool recursive, bool expand, CancellationToken cancellationToken)
    {
        string suffix = "tree/" + Uri.EscapeDataString(revision) + (string.IsNullOrEmpty(path) ? "" : "/" + HubHttp.EscapePath(path));
        Uri firstPage = RepoUri(type, repoId, suffix, new QueryString().AddFlag("recursive", recursive).AddFlag("expand", expand));
        return new LinkedPageable<RepoTreeEntry>(_json, firstPage, GetTreePageAsync, limit: null, cancellationToken);
    }

    /// <summary>The paths of every file (not folder) of the repository, from the recursive tree listing.</summary>
    public HubPageable<string> ListFiles(RepoType type, string repoId, string revision, CancellationToken cancellationToken)
    {
        Uri firstPage = RepoUri(type, repoId, "tree/" + Uri.EscapeDataString(revision), new QueryString().AddFlag("recursive", true));
        return new LinkedPageable<string>(_json, firstPage, async (uri, ct) =>
        {
            LinkedPage<RepoTreeEntry> page = await GetTreePageAsync(uri, ct).ConfigureAwait(false);
            return new LinkedPage<string>(page.Values.OfType<RepoFile>().Select(f => f.Path).ToList(), page.Next) { Received = page.Values.Count };
        }, limit: null, cancellationToken);
    }

    /// <summary><c>POST /api/{type}s/{repo}/paths-info/{rev}</c> with form fields <c>paths</c> (repeated) and <c>expand</c>.</summary>
    public async Task<IReadOnlyList<RepoTreeEntry>> GetPathsInfoAsync(
        RepoType type, string repoId, string revision, IReadOnlyList<string> paths, bool expand, CancellationToken cancellationToken)
    {
        Uri uri = RepoUri(type, repoId, "paths-info/" + Uri.EscapeDataString(revision), new QueryString());
        var form = paths.Select(p => KeyValuePair.Create("paths", p)).Append(KeyValuePair.Create("expand", expand ? "true" : "false")).ToList();
        List<RepoTreeEntry> entries = await _json.PostFormAsync(uri, form, HubJsonContext.Default.ListRepoTreeEntry, cancellationToken).ConfigureAwait(false);
        CheckEntries(entries, uri);
        return entries;
    }

    /// <summary><c>GET /api/{type}s/{repo}/refs</c>, with <c>include_prs=1</c> when asked.</summary>
    public async Task<GitRefs> GetRefsAsync(RepoType type, string repoId, bool includePullRequests, CancellationToken cancellationToken)
    {
        Uri uri = RepoUri(type, repoId, "refs", new QueryString().Add("include_prs", includePullRequests ? "1" : null));
        GitRefs refs = await _json.GetAsync(uri, HubJsonContext.Default.GitRefs, cancellationToken).ConfigureAwait(false);
        CheckNoNull(refs.Branches, uri);
        CheckNoNull(refs.Tags, uri);
        CheckNoNull(refs.Converts, uri);
        if (refs.PullRequests is { } pullRequests) CheckNoNull(pullRequests, uri);
        return refs;
    }

    /// <summary><c>GET /api/{type}s/{repo}/commits/{rev}</c>, newest first, paginated by <c>Link</c>.</summary>
    public HubPageable<CommitInfo> ListCommits(RepoType type, string repoId, string revision, CancellationToken cancellationToken)
    {
        Uri firstPage = RepoUri(type, repoId, "commits/" + Uri.EscapeDataString(revision), new QueryString());
        return new LinkedPageable<CommitInfo>(_json, firstPage, async (uri, ct) =>
        {
            (List<CommitInfo> commits, Uri? next) = await _json.GetPageAsync(uri, HubJsonContext.Default.ListCommitInfo, ct).ConfigureAwait(false);
            CheckNoNull(commits, uri);
            foreach (CommitInfo commit in commits) CheckNoNull(commit.Authors, uri);
            return new LinkedPage<CommitInfo>(commits, next);
        }, limit: null, cancellationToken);
    }

    private async Task<LinkedPage<RepoTreeEntry>> GetTreePageAsync(Uri uri, CancellationToken cancellationToken)
    {
        (List<RepoTreeEntry> entries, Uri? next) = await _json.GetPageAsync(uri, HubJsonContext.Default.ListRepoTreeEntry, cancellationToken).ConfigureAwait(false);
        CheckEntries(entries, uri);
        return new LinkedPage<RepoTreeEntry>(entries, next);
    }

    /// <summary>
    /// Refuses a list with a null item: System.Text.Json checks nullable annotations on properties, not on list items, so
    /// <c>[null]</c> would otherwise reach the caller (or a check that dereferences it).
    /// </summary>
    private static void CheckNoNull<T>(IReadOnlyList<T> items, Uri uri)
    {
        for (int i = 0; i < items.Count; i++)
        {
            if (items[i] is null) throw new HubProtocolException($"The answer to {uri.GetLeftPart(UriPartial.Path)} has a null {typeof(T).Name} at index {i}.", uri);
        }
    }

    private static void CheckSiblings(RepoInfo info, Uri uri)
    {
        CheckNoNull(info.Tags, uri);
        CheckNoNull(info.Siblings, uri);
        foreach (RepoSibling sibling in info.Siblings)
        {
            CheckPath(sibling.Path, uri);
            CheckSize(sibling.Size, sibling.Path, uri);
            CheckLfs(sibling.Lfs, sibling.Path, uri);
        }
    }

    private static void CheckEntries(List<RepoTreeEntry> entries, Uri uri)
    {
        CheckNoNull(entries, uri);
        foreach (RepoTreeEntry entry in entries)
        {
            CheckPath(entry.Path, uri);
            if (entry is RepoFile file)
            {
                CheckSize(file.Size, file.Path, uri);
                CheckLfs(file.Lfs, file.Path, uri);
            }
        }
    }

    private static void CheckSize(long? size, string path, Uri uri)
    {
        if (size is { } bytes && !FileSizeLimit.IsPlausible(bytes))
        {
            string what = bytes < 0 ? "a negative size" : "a size";
            throw new HubProtocolException($"The hub listed {what} ({bytes}) for '{RepoId.Printable(path)}': {FileSizeLimit.Expected}.", uri);
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
        CheckSize(lfs?.Size, path, uri);
    }

    private Uri RepoUri(RepoType type, string repoId, string suffix, QueryString query) =>
        _json.Http.ApiUri("api/" + type.Plural() + "/" + repoId + "/" + suffix + query);
}
