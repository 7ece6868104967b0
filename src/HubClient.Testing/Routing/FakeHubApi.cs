using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace HubClient.Testing;

/// <summary>The fake hub's JSON API: repo info (<c>/revision/</c>) and tree listings with <c>Link</c> pagination (listings, refs, commits: <see cref="FakeHubListingApi"/>).</summary>
internal static class FakeHubApi
{
    // Commits never change, so a tree level is built and sorted once, not for every page of a large listing.
    private static readonly ConditionalWeakTable<FakeCommit, ConcurrentDictionary<(string Prefix, bool Recursive), List<(string Path, FakeFile? File)>>> TreeCache = new();

    public static async Task<bool> HandleAsync(FakeHub hub, HttpContext context, RawPath raw, FakeFault? fault)
    {
        string[] s = raw.Segments;
        // /api/{models|datasets|spaces}/{repo...}/{revision|tree}/{rev}/{path...}
        if (s.Length < 3 || ParseType(s[1]) is not { } type) return false;
        int op = Array.FindIndex(s, 2, x => x is "revision" or "tree");
        if (op < 3 || op > 4 || s.Length < op + 2) return false;
        string repoId = string.Join('/', s[2..op]);
        string revision = s[op + 1];
        string path = string.Join('/', s.Skip(op + 2));

        if (await hub.Router.CheckAccessAsync(context, type, repoId).ConfigureAwait(false) is not { } repo) return true;
        FakeCommit? commit = repo.Resolve(revision);
        if (commit is null)
        {
            await FakeHubRouter.WriteErrorAsync(context, 404, "RevisionNotFound", $"Invalid rev id: {revision}").ConfigureAwait(false);
            return true;
        }
        if (await FakeApiFaults.TryServeAsync(context, fault).ConfigureAwait(false)) return true;
        if (s[op] == "revision") await WriteRepoInfoAsync(context, repo, commit, context.Request.Query["blobs"] == "true").ConfigureAwait(false);
        else await WriteTreeAsync(hub, context, raw, repo, commit, path).ConfigureAwait(false);
        return true;
    }

    internal static RepoType? ParseType(string plural) => plural switch
    {
        "models" => RepoType.Model,
        "datasets" => RepoType.Dataset,
        "spaces" => RepoType.Space,
        _ => null,
    };

    private static Task WriteRepoInfoAsync(HttpContext context, FakeRepo repo, FakeCommit commit, bool blobs)
    {
        string[] expand = context.Request.Query["expand"].Where(e => e is not null).Select(e => e!).ToArray();
        return WriteJsonAsync(context, w => FakeRepoJson.Write(w, repo, commit, blobs, FakeRepoJson.InfoSelection(expand)));
    }

    private static async Task WriteTreeAsync(FakeHub hub, HttpContext context, RawPath raw, FakeRepo repo, FakeCommit commit, string path)
    {
        bool recursive = context.Request.Query["recursive"] is var r && (r == "true" || r == "1" || r == "True");
        bool expand = context.Request.Query["expand"] is var x && (x == "true" || x == "1" || x == "True");
        string prefix = path.Length == 0 ? "" : path.TrimEnd('/') + "/";
        List<(string Path, FakeFile? File)> entries = TreeCache.GetOrCreateValue(commit).GetOrAdd((prefix, recursive), key => TreeEntries(commit, key.Prefix, key.Recursive));
        if (path.Length > 0 && entries.Count == 0 && !commit.Files.ContainsKey(path))
        {
            await FakeHubRouter.WriteErrorAsync(context, 404, "EntryNotFound", $"{path} does not exist on \"{commit.Sha}\"").ConfigureAwait(false);
            return;
        }
        int cursor = int.TryParse(context.Request.Query["cursor"], NumberStyles.None, CultureInfo.InvariantCulture, out int c) ? c : 0;
        int pageSize = hub.TreePageSize;
        var page = entries.Skip(cursor).Take(pageSize).ToList();
        if (cursor + pageSize < entries.Count)
        {
            string query = string.Join('&', raw.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Where(p => !p.StartsWith("cursor=", StringComparison.Ordinal)));
            string next = hub.Endpoint + raw.Path + "?" + (query.Length > 0 ? query + "&" : "") + "cursor=" + (cursor + pageSize).ToString(CultureInfo.InvariantCulture);
            context.Response.Headers.Link = "<" + next + ">; rel=\"next\"";
        }
        await WriteJsonAsync(context, w =>
        {
            w.WriteStartArray();
            foreach ((string entryPath, FakeFile? file) in page) FakeTreeJson.WriteEntry(w, commit, entryPath, file, expand);
            w.WriteEndArray();
        }).ConfigureAwait(false);
    }

    /// <summary>Entries under <paramref name="prefix"/>: files and folders of that level, or every file below it when recursive (folders too, as the hub lists them).</summary>
    private static List<(string Path, FakeFile? File)> TreeEntries(FakeCommit commit, string prefix, bool recursive)
    {
        var folders = new SortedSet<string>(StringComparer.Ordinal);
        var files = new List<(string, FakeFile?)>();
        foreach (FakeFile file in commit.Files.Values)
        {
            if (!file.Path.StartsWith(prefix, StringComparison.Ordinal)) continue;
            string rest = file.Path[prefix.Length..];
            string[] parts = rest.Split('/');
            if (parts.Length == 1)
            {
                files.Add((file.Path, file));
                continue;
            }
            if (recursive)
            {
                files.Add((file.Path, file));
                for (int i = 1; i < parts.Length; i++) folders.Add(prefix + string.Join('/', parts[..i]));
            }
            else
            {
                folders.Add(prefix + parts[0]);
            }
        }
        return folders.Select(f => (f, (FakeFile?)null)).Concat(files).OrderBy(e => e.Item1, StringComparer.Ordinal).ToList();
    }

    internal static async Task WriteJsonAsync(HttpContext context, Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer)) write(writer);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.ContentLength = buffer.Length;
        await context.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted).ConfigureAwait(false);
    }
}
