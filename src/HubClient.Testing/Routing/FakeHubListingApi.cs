using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace HubClient.Testing;

/// <summary>
/// The fake hub's listing API: repository searches (<c>/api/models|datasets|spaces</c>), refs, commits and paths-info, with
/// <c>Link</c> pagination; and relative redirects for every API route of a renamed repository. Repo info and trees are in
/// <see cref="FakeHubApi"/>.
/// </summary>
internal static class FakeHubListingApi
{
    private static readonly string[] RepoOperations = ["revision", "tree", "refs", "commits", "paths-info"];

    public static async Task<bool> HandleAsync(FakeHub hub, HttpContext context, RawPath raw, FakeFault? fault)
    {
        string[] s = raw.Segments;
        if (s.Length < 2 || FakeHubApi.ParseType(s[1]) is not { } type) return false;
        if (s.Length == 2)
        {
            if (!HttpMethods.IsGet(context.Request.Method)) return false;
            if (!await FakeApiFaults.TryServeAsync(context, fault).ConfigureAwait(false)) await ListReposAsync(hub, context, raw, type).ConfigureAwait(false);
            return true;
        }
        int op = Array.FindIndex(s, 3, i => RepoOperations.Contains(i));
        if (op is < 3 or > 4) return false;
        string repoId = string.Join('/', s[2..op]);
        if (hub.RenamedTo(type, repoId) is { } newId)
        {
            string tail = string.Join('/', raw.Path.Split('/').Skip(op + 1));
            context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
            context.Response.Headers.Location = "/api/" + s[1] + "/" + newId + "/" + tail + raw.Query;
            return true;
        }
        string operation = s[op];
        string? revision = s.Length > op + 1 ? string.Join('/', s[(op + 1)..]) : null;
        bool handled = operation switch
        {
            "refs" => s.Length == op + 1 && HttpMethods.IsGet(context.Request.Method),
            "commits" => revision is not null && HttpMethods.IsGet(context.Request.Method),
            "paths-info" => revision is not null && HttpMethods.IsPost(context.Request.Method),
            _ => false,
        };
        if (!handled) return false;

        if (await hub.Router.CheckAccessAsync(context, type, repoId).ConfigureAwait(false) is not { } repo) return true;
        if (operation == "refs")
        {
            if (!await FakeApiFaults.TryServeAsync(context, fault).ConfigureAwait(false)) await WriteRefsAsync(context, repo).ConfigureAwait(false);
            return true;
        }
        FakeCommit? commit = repo.Resolve(revision!);
        if (commit is null)
        {
            await FakeHubRouter.WriteErrorAsync(context, 404, "RevisionNotFound", $"Invalid rev id: {revision}").ConfigureAwait(false);
            return true;
        }
        if (await FakeApiFaults.TryServeAsync(context, fault).ConfigureAwait(false)) return true;
        if (operation == "commits") await WriteCommitsAsync(hub, context, raw, commit).ConfigureAwait(false);
        else await WritePathsInfoAsync(context, commit).ConfigureAwait(false);
        return true;
    }

    private static async Task ListReposAsync(FakeHub hub, HttpContext context, RawPath raw, RepoType type)
    {
        IQueryCollection q = context.Request.Query;
        string? sort = q["sort"];
        if (sort is not null && sort is not ("downloads" or "likes" or "lastModified" or "createdAt" or "trendingScore"))
        {
            await FakeHubRouter.WriteErrorAsync(context, 400, null, $"Invalid sort parameter: {sort}").ConfigureAwait(false);
            return;
        }
        string[] expand = q["expand"].Where(e => e is not null).Select(e => e!).ToArray();
        bool full = IsTrue(q["full"]);
        bool cardData = IsTrue(q["cardData"]);
        if (expand.Length > 0 && (full || cardData))
        {
            await FakeHubRouter.WriteErrorAsync(context, 400, null, "expand cannot be combined with full or cardData").ConfigureAwait(false);
            return;
        }
        bool authorized = context.Request.Headers.Authorization == "Bearer " + hub.ValidToken;
        IEnumerable<FakeRepo> repos = hub.AllRepos.Where(r => r.Type == type && (!r.Private || authorized));
        if (q["search"] is { Count: > 0 } search)
            repos = repos.Where(r => search.All(term => r.Id.Contains(term!, StringComparison.OrdinalIgnoreCase)));
        if ((string?)q["author"] is { } author)
            repos = repos.Where(r => r.Id.StartsWith(author + "/", StringComparison.OrdinalIgnoreCase));
        foreach (string? filter in q["filter"]) repos = repos.Where(r => r.RepoTags.Contains(filter!));
        if ((string?)q["pipeline_tag"] is { } pipelineTag) repos = repos.Where(r => r.PipelineTag == pipelineTag);
        if ((string?)q["library"] is { } library) repos = repos.Where(r => r.LibraryName == library || r.RepoTags.Contains(library));
        List<FakeRepo> ordered = Sort(repos, sort).ToList();

        int pageSize = hub.ListingPageSize;
        if (int.TryParse(q["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out int limit) && limit > 0) pageSize = Math.Min(pageSize, limit);
        List<FakeRepo> page = Paginate(hub, context, raw, ordered, "cursor", pageSize);
        Func<string, bool> include = FakeRepoJson.ListingSelection(expand, full, cardData);
        await FakeHubApi.WriteJsonAsync(context, w =>
        {
            w.WriteStartArray();
            foreach (FakeRepo repo in page) FakeRepoJson.Write(w, repo, repo.Resolve("main"), blobs: false, include);
            w.WriteEndArray();
        }).ConfigureAwait(false);
    }

    private static IEnumerable<FakeRepo> Sort(IEnumerable<FakeRepo> repos, string? sort)
    {
        IOrderedEnumerable<FakeRepo> ordered = sort switch
        {
            "downloads" => repos.OrderByDescending(r => r.Downloads),
            "likes" => repos.OrderByDescending(r => r.Likes),
            "trendingScore" => repos.OrderByDescending(r => r.TrendingScore),
            "createdAt" => repos.OrderByDescending(r => r.CreatedAt),
            "lastModified" => repos.OrderByDescending(r => r.Resolve("main")?.Date ?? DateTimeOffset.MinValue),
            _ => repos.OrderBy(_ => 0),
        };
        return ordered.ThenBy(r => r.Id, StringComparer.Ordinal);
    }

    private static Task WriteRefsAsync(HttpContext context, FakeRepo repo)
    {
        bool includePrs = IsTrue(context.Request.Query["include_prs"]);
        var branches = repo.Branches.Where(b => !b.Key.StartsWith("refs/", StringComparison.Ordinal)).ToList();
        var converts = repo.Branches.Where(b => b.Key.StartsWith("refs/convert/", StringComparison.Ordinal)).ToList();
        var pullRequests = repo.Branches.Where(b => b.Key.StartsWith("refs/pr/", StringComparison.Ordinal)).ToList();
        return FakeHubApi.WriteJsonAsync(context, w =>
        {
            w.WriteStartObject();
            WriteRefs(w, "branches", branches, name => "refs/heads/" + name);
            WriteRefs(w, "converts", converts.Select(c => KeyValuePair.Create(c.Key["refs/convert/".Length..], c.Value)), name => "refs/convert/" + name);
            WriteRefs(w, "tags", repo.Tags, name => "refs/tags/" + name);
            if (includePrs) WriteRefs(w, "pullRequests", pullRequests, name => name);
            w.WriteEndObject();
        });
    }

    private static void WriteRefs(Utf8JsonWriter w, string name, IEnumerable<KeyValuePair<string, string>> refs, Func<string, string> fullRef)
    {
        w.WriteStartArray(name);
        foreach ((string refName, string target) in refs.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            w.WriteStartObject();
            w.WriteString("name", refName);
            w.WriteString("ref", fullRef(refName));
            w.WriteString("targetCommit", target);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static Task WriteCommitsAsync(FakeHub hub, HttpContext context, RawPath raw, FakeCommit head)
    {
        var history = new List<FakeCommit>();
        for (FakeCommit? c = head; c is not null; c = c.Parent) history.Add(c);
        List<FakeCommit> page = Paginate(hub, context, raw, history, "p", hub.CommitsPageSize, pageNumbers: true);
        return FakeHubApi.WriteJsonAsync(context, w =>
        {
            w.WriteStartArray();
            foreach (FakeCommit commit in page)
            {
                w.WriteStartObject();
                w.WriteString("id", commit.Sha);
                w.WriteStartArray("authors");
                w.WriteStartObject();
                w.WriteString("user", "hubclient-tests");
                w.WriteString("avatar", "https://example.invalid/avatar.png");
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteString("date", FakeRepoJson.Date(commit.Date));
                w.WriteString("title", commit.Title);
                w.WriteString("message", "");
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
    }

    private static async Task WritePathsInfoAsync(HttpContext context, FakeCommit commit)
    {
        if (!context.Request.HasFormContentType)
        {
            await FakeHubRouter.WriteErrorAsync(context, 400, null, "Expected a form body with 'paths'").ConfigureAwait(false);
            return;
        }
        IFormCollection form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        bool expand = IsTrue(form["expand"]);
        await FakeHubApi.WriteJsonAsync(context, w =>
        {
            w.WriteStartArray();
            foreach (string? path in form["paths"])
            {
                if (string.IsNullOrEmpty(path)) continue;
                if (commit.Files.TryGetValue(path, out FakeFile? file)) FakeTreeJson.WriteEntry(w, commit, path, file, expand);
                else if (commit.Files.Keys.Any(p => p.StartsWith(path + "/", StringComparison.Ordinal))) FakeTreeJson.WriteEntry(w, commit, path, null, expand);
            }
            w.WriteEndArray();
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// The page of <paramref name="items"/> the request's <paramref name="parameter"/> points at (an offset, or a page number
    /// when <paramref name="pageNumbers"/>), setting <c>Link: &lt;…&gt;; rel="next"</c> when more follow.
    /// </summary>
    private static List<T> Paginate<T>(FakeHub hub, HttpContext context, RawPath raw, List<T> items, string parameter, int pageSize, bool pageNumbers = false)
    {
        int value = int.TryParse(context.Request.Query[parameter], NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v : 0;
        int start = pageNumbers ? value * pageSize : value;
        if (start + pageSize < items.Count)
        {
            int next = pageNumbers ? value + 1 : start + pageSize;
            string query = string.Join('&', raw.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
                .Where(p => !p.StartsWith(parameter + "=", StringComparison.Ordinal)));
            string url = hub.Endpoint + raw.Path + "?" + (query.Length > 0 ? query + "&" : "") + parameter + "=" + next.ToString(CultureInfo.InvariantCulture);
            context.Response.Headers.Link = "<" + url + ">; rel=\"next\"";
        }
        return items.Skip(start).Take(pageSize).ToList();
    }

    private static bool IsTrue(StringValues value) => value == "true" || value == "True" || value == "1";
}
