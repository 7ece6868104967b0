using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace HubClient.Xet;

/// <summary>
/// Gets CAS read tokens from the hub (<c>GET /api/{type}s/{repo}/xet-read-token/{revision}</c>, with the hub token) and
/// caches them per repository and revision until shortly before they expire (hub-docs <c>docs/xet/auth.md</c>).
/// </summary>
internal sealed class XetTokenProvider
{
    private readonly HubHttp _http;
    private readonly TimeSpan _refreshMargin;
    private readonly ConcurrentDictionary<(RepoType, string, string), XetReadToken> _tokens = new();

    public XetTokenProvider(HubHttp http, TimeSpan refreshMargin)
    {
        _http = http;
        _refreshMargin = refreshMargin;
    }

    /// <summary>
    /// A token valid for at least the refresh margin; <paramref name="refused"/> is a token the CAS just answered 401 to,
    /// which is never handed out again. Throws <see cref="XetUnavailableException"/> when the hub cannot give one (no
    /// Xet, unreachable, malformed answer) and the hub's <see cref="HubException"/> when it refuses access.
    /// </summary>
    public async Task<XetReadToken> GetAsync(RepoType type, string repoId, string revision, XetReadToken? refused, CancellationToken cancellationToken)
    {
        var key = (type, repoId, revision);
        DateTimeOffset now = _http.Options.TimeProvider.GetUtcNow();
        if (_tokens.TryGetValue(key, out XetReadToken? cached) && cached != refused && cached.ExpiresAt - _refreshMargin > now)
        {
            return cached;
        }
        XetReadToken token = await FetchAsync(type, repoId, revision, cancellationToken).ConfigureAwait(false);
        _tokens[key] = token;
        return token;
    }

    private async Task<XetReadToken> FetchAsync(RepoType type, string repoId, string revision, CancellationToken cancellationToken)
    {
        Uri uri = _http.ApiUri($"api/{type.Plural()}/{repoId}/xet-read-token/{Uri.EscapeDataString(revision)}");
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, uri), _http.Options.MetadataTimeout,
                HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException)
        {
            throw new XetUnavailableException($"The hub's Xet token endpoint {uri.GetLeftPart(UriPartial.Path)} is unreachable: {e.Message}", e);
        }
        using (response)
        {
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                await _http.EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
            }
            if (!response.IsSuccessStatusCode)
            {
                throw new XetUnavailableException($"The hub's Xet token endpoint answered {(int)response.StatusCode}.");
            }
            XetReadTokenResponse? body;
            try
            {
                body = await response.Content.ReadFromJsonAsync(HubJsonContext.Default.XetReadTokenResponse, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                // InvalidOperationException: a charset .NET does not know.
                throw new XetUnavailableException($"The hub's Xet token answer is not valid JSON: {e.Message}", e);
            }
            if (body is null || body.AccessToken.Length == 0 || !Uri.TryCreate(body.CasUrl, UriKind.Absolute, out Uri? cas)
                || (cas.Scheme != Uri.UriSchemeHttps && cas.Scheme != Uri.UriSchemeHttp))
            {
                throw new XetUnavailableException("The hub's Xet token answer has no access token or CAS URL.");
            }
            // Seconds since the epoch (xet-core reads a u64): a negative or millisecond value is a malformed answer.
            if (body.Exp < 0 || body.Exp > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
            {
                throw new XetUnavailableException($"The hub's Xet token answer has an expiry of {body.Exp}, not a time in seconds since 1970.");
            }
            return new XetReadToken(body.AccessToken, cas, DateTimeOffset.FromUnixTimeSeconds(body.Exp));
        }
    }
}
