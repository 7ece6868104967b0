using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace HubClient.Testing;

/// <summary>
/// The fake hub's request handling, run as middleware in front of WireMock: resolve URLs (HEAD/GET with the hub's headers
/// and CDN redirects), the CDN, and the JSON API. Requests it does not know go on to WireMock's own mappings.
/// </summary>
internal sealed class FakeHubRouter
{
    private readonly FakeHub _hub;

    public FakeHubRouter(FakeHub hub) => _hub = hub;

    public async Task HandleAsync(HttpContext context, Func<Task> next)
    {
        RawPath raw = RawPath.From(context);
        FakeHubRequest log = _hub.Log(context, raw);
        // Recorded as the headers go out, so a client that has its answer finds the status in the log.
        context.Response.OnStarting(() =>
        {
            log.StatusCode = context.Response.StatusCode;
            return Task.CompletedTask;
        });
        FakeFault? fault = _hub.FindFault(log);
        log.Fault = fault;
        try
        {
            if (fault?.Kind == FaultKind.OversizedHeader)
            {
                context.Response.Headers["X-Padding"] = new string('x', (int)fault.Bytes);
            }
            if (fault?.Kind == FaultKind.Status)
            {
                context.Response.StatusCode = fault.StatusCode;
                if (fault.RetryAfterValue is not null) context.Response.Headers.RetryAfter = fault.RetryAfterValue;
                if (fault.Text is not null && !HttpMethods.IsHead(context.Request.Method))
                {
                    byte[] body = Encoding.UTF8.GetBytes(fault.Text);
                    context.Response.ContentType = "application/json";
                    context.Response.ContentLength = body.Length;
                    await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
                }
                return;
            }
            if (fault?.Kind == FaultKind.Redirect)
            {
                context.Response.StatusCode = fault.StatusCode;
                context.Response.Headers.Location = fault.Text;
                return;
            }
            if (fault?.Kind == FaultKind.Header)
            {
                HttpResponse response = context.Response;
                response.OnStarting(() =>
                {
                    response.Headers[fault.HeaderName!] = fault.Text;
                    return Task.CompletedTask;
                });
            }
            if (fault?.Kind == FaultKind.RedirectLoop)
            {
                context.Response.StatusCode = StatusCodes.Status302Found;
                context.Response.Headers.Location = raw.Path + raw.Query;
                return;
            }
            if (!await RouteAsync(context, raw, log, fault).ConfigureAwait(false))
            {
                await next().ConfigureAwait(false);
            }
        }
        finally
        {
            log.StatusCode = context.Response.StatusCode;
            log.IsComplete = true;
        }
    }

    private async Task<bool> RouteAsync(HttpContext context, RawPath raw, FakeHubRequest log, FakeFault? fault)
    {
        string[] s = raw.Segments;
        if (s.Length >= 1 && s[0] is "cas" or "xorbs" && await _hub.Cas.HandleAsync(context, raw, log, fault).ConfigureAwait(false))
        {
            return true;
        }
        int token = Array.IndexOf(s, "xet-read-token");
        if (s.Length >= 1 && s[0] == "api" && token >= 3 && token == s.Length - 2 && s[1] is "models" or "datasets" or "spaces")
        {
            RepoType type = s[1] switch { "datasets" => RepoType.Dataset, "spaces" => RepoType.Space, _ => RepoType.Model };
            if (await CheckAccessAsync(context, type, string.Join('/', s[2..token])).ConfigureAwait(false) is { } repo)
            {
                await _hub.Cas.ServeTokenAsync(context, repo, s[token + 1], fault).ConfigureAwait(false);
            }
            return true;
        }
        if (s.Length >= 2 && s[0] == "cdn")
        {
            await ServeCdnAsync(context, s[1], log, fault).ConfigureAwait(false);
            return true;
        }
        if (s.Length >= 1 && s[0] == "api")
        {
            return await FakeHubListingApi.HandleAsync(_hub, context, raw, fault).ConfigureAwait(false)
                || await FakeHubApi.HandleAsync(_hub, context, raw, fault).ConfigureAwait(false);
        }
        int resolve = Array.IndexOf(s, "resolve");
        if (resolve is >= 1 and <= 3 && s.Length >= resolve + 3)
        {
            (RepoType type, string repoId) = RepoFromSegments(s.AsSpan(0, resolve));
            await ServeResolveAsync(context, raw, log, fault, type, repoId, s[resolve + 1], string.Join('/', s.Skip(resolve + 2))).ConfigureAwait(false);
            return true;
        }
        return false;
    }

    internal static (RepoType Type, string RepoId) RepoFromSegments(ReadOnlySpan<string> segments)
    {
        RepoType type = RepoType.Model;
        if (segments.Length > 1 && segments[0] is "datasets" or "spaces")
        {
            type = segments[0] == "datasets" ? RepoType.Dataset : RepoType.Space;
            segments = segments[1..];
        }
        return (type, string.Join('/', segments.ToArray()));
    }

    private async Task ServeResolveAsync(
        HttpContext context, RawPath raw, FakeHubRequest log, FakeFault? fault, RepoType type, string repoId, string revision, string path)
    {
        if (_hub.RenamedTo(type, repoId) is { } newId)
        {
            // Renamed repos answer with a relative redirect that carries a query string the client must keep.
            string prefix = type switch { RepoType.Dataset => "/datasets/", RepoType.Space => "/spaces/", _ => "/" };
            string rest = raw.Path[(raw.Path.IndexOf("/resolve/", StringComparison.Ordinal))..];
            context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
            context.Response.Headers.Location = prefix + newId + rest + (raw.Query.Length > 0 ? raw.Query + "&" : "?") + "renamed_from=" + Uri.EscapeDataString(repoId);
            return;
        }
        if (await CheckAccessAsync(context, type, repoId).ConfigureAwait(false) is not { } repo) return;
        FakeCommit? commit = repo.Resolve(revision);
        if (commit is null)
        {
            await WriteErrorAsync(context, 404, "RevisionNotFound", $"Invalid rev id: {revision}").ConfigureAwait(false);
            return;
        }
        context.Response.Headers["X-Repo-Commit"] = commit.Sha;
        if (!commit.Files.TryGetValue(path, out FakeFile? file))
        {
            await WriteErrorAsync(context, 404, "EntryNotFound", $"{path} does not exist on \"{revision}\"").ConfigureAwait(false);
            return;
        }
        if ((file.IsXet || file.IsLfs) && fault is { IsBodyFault: true })
        {
            // Redirected to where the bytes are: a fault on the bytes waits for that request (the CDN GET), as
            // RequestFilters.Download promises — it would otherwise be spent on a 302 with no body.
            log.AppliedRule?.Release();
            log.Fault = null;
        }
        if (file.IsXet)
        {
            await ServeXetResolveAsync(context, type, repoId, commit, file).ConfigureAwait(false);
            return;
        }
        if (file.IsLfs)
        {
            context.Response.StatusCode = StatusCodes.Status302Found;
            context.Response.Headers["X-Linked-Etag"] = "\"" + file.Sha256 + "\"";
            context.Response.Headers["X-Linked-Size"] = file.Size.ToString(CultureInfo.InvariantCulture);
            context.Response.Headers.ETag = "W/\"" + file.GitSha1 + "\"";
            context.Response.Headers.Location = _hub.CdnUrl(file);
            return;
        }
        await BodyWriter.ServeAsync(context, log, file.Content, file.GitSha1, fault).ConfigureAwait(false);
    }

    /// <summary>
    /// A Xet-backed file as the hub answers it: 302 to the plain-HTTP bridge with <c>X-Xet-Hash</c>, the linked etag and
    /// size, the <c>xet-auth</c>/<c>xet-reconstruction-info</c> links, no <c>ETag</c>, and a body that is not the file; or,
    /// to a GET asking for <c>application/vnd.xet-fileinfo+json</c> (what <c>@huggingface/hub</c> sends), 200 with those headers.
    /// </summary>
    private async Task ServeXetResolveAsync(HttpContext context, RepoType type, string repoId, FakeCommit commit, FakeFile file)
    {
        HttpResponse response = context.Response;
        string location = _hub.CdnUrl(file);
        response.Headers["X-Xet-Hash"] = file.XetHash;
        response.Headers["X-Linked-Etag"] = "\"" + file.Sha256 + "\"";
        response.Headers["X-Linked-Size"] = file.Size.ToString(CultureInfo.InvariantCulture);
        response.Headers.Link = _hub.Cas.LinkHeader(type, repoId, commit.Sha, file);
        byte[] body;
        if (HttpMethods.IsGet(context.Request.Method)
            && context.Request.Headers.Accept.ToString().Contains("application/vnd.xet-fileinfo+json", StringComparison.OrdinalIgnoreCase))
        {
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/vnd.xet-fileinfo+json";
            body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
            {
                ["hash"] = file.XetHash!,
                ["size"] = file.Size,
                ["etag"] = file.Sha256,
            });
        }
        else
        {
            response.StatusCode = StatusCodes.Status302Found;
            response.Headers.Location = location;
            response.ContentType = "text/plain; charset=utf-8";
            body = Encoding.UTF8.GetBytes("Found. Redirecting to " + location);
        }
        response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(context.Request.Method)) await response.Body.WriteAsync(body).ConfigureAwait(false);
    }

    private async Task ServeCdnAsync(HttpContext context, string sha256, FakeHubRequest log, FakeFault? fault)
    {
        if (_hub.FindBlob(sha256) is not { } file)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        await BodyWriter.ServeAsync(context, log, file.Content, file.Sha256, fault).ConfigureAwait(false);
    }

    /// <summary>Applies the repo's access rules; writes the hub's error and returns null when access is refused.</summary>
    internal async Task<FakeRepo?> CheckAccessAsync(HttpContext context, RepoType type, string repoId)
    {
        FakeRepo? repo = _hub.FindRepo(type, repoId);
        string? auth = context.Request.Headers.Authorization;
        bool authorized = auth == "Bearer " + _hub.ValidToken;
        bool loggedInWithoutAccess = auth == "Bearer " + _hub.TokenWithoutAccess;
        if (auth is { Length: > 0 } && !authorized && !loggedInWithoutAccess)
        {
            await WriteErrorAsync(context, 401, null, "Invalid credentials in Authorization header").ConfigureAwait(false);
            return null;
        }
        if (loggedInWithoutAccess && (repo is null || repo.Private))
        {
            await WriteErrorAsync(context, 404, "RepoNotFound", "Repository not found").ConfigureAwait(false);
            return null;
        }
        if (repo is null || (repo.Private && !authorized))
        {
            await WriteErrorAsync(context, 401, "RepoNotFound", "Repository not found").ConfigureAwait(false);
            return null;
        }
        if (repo.Disabled)
        {
            await WriteErrorAsync(context, 403, null, "Access to this resource is disabled.").ConfigureAwait(false);
            return null;
        }
        if (repo.Gated && loggedInWithoutAccess)
        {
            await WriteErrorAsync(context, 403, "GatedRepo", $"Access to {(type switch { RepoType.Dataset => "dataset", RepoType.Space => "space", _ => "model" })} {repoId} is restricted and you are not in the authorized list. Visit the repository page to ask for access.").ConfigureAwait(false);
            return null;
        }
        if (repo.Gated && !authorized)
        {
            await WriteErrorAsync(context, 401, "GatedRepo", $"Access to {(type switch { RepoType.Dataset => "dataset", RepoType.Space => "space", _ => "model" })} {repoId} is restricted. You must have access to it and be authenticated to access it. Please log in.").ConfigureAwait(false);
            return null;
        }
        return repo;
    }

    internal static Task WriteErrorAsync(HttpContext context, int status, string? errorCode, string message)
    {
        HttpResponse response = context.Response;
        response.StatusCode = status;
        if (errorCode is not null) response.Headers["X-Error-Code"] = errorCode;
        response.Headers["X-Error-Message"] = message;
        response.Headers["X-Request-Id"] = "Root=fake-" + Guid.NewGuid().ToString("N")[..12];
        if (HttpMethods.IsHead(context.Request.Method)) return Task.CompletedTask;
        byte[] body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new Dictionary<string, string> { ["error"] = message }));
        response.ContentType = "application/json";
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body).AsTask();
    }
}
