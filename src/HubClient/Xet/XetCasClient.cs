using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace HubClient.Xet;

/// <summary>
/// Talks to the Xet CAS: reconstructions (<c>/v2/reconstructions/{hash}</c>, falling back to <c>/v1</c> on 404/501)
/// with the Xet token only, and signed xorb URLs with exactly their signed <c>Range</c> and no token at all
/// (hub-docs <c>docs/xet/download-protocol.md</c>, xet-core <c>openapi/cas.openapi.yaml</c>).
/// </summary>
internal sealed class XetCasClient
{
    private readonly HubHttp _http;
    private readonly XetTokenProvider _tokens;

    public XetCasClient(HubHttp http, XetTokenProvider tokens)
    {
        _http = http;
        _tokens = tokens;
    }

    public HubHttp Http => _http;

    /// <summary>The whole file's reconstruction, checked against its size.</summary>
    public Task<XetReconstructionPlan> GetReconstructionAsync(XetFileRequest file, CancellationToken cancellationToken) =>
        ReconstructAsync(file, range: null, v2 => XetReconstructionPlan.FromV2(v2, file.Size), v1 => XetReconstructionPlan.FromV1(v1, file.Size), cancellationToken);

    /// <summary>
    /// The signed xorb ranges of the reconstruction of file bytes [<paramref name="first"/>, <paramref name="last"/>] (a
    /// <c>Range</c> request: the CAS cuts the first and last terms to the chunks holding the range's ends, so a term's
    /// unfinished rest gets a narrower signed range than the whole term's).
    /// </summary>
    public Task<Dictionary<string, List<XetFetchRangeRef>>> GetFetchRangesAsync(XetFileRequest file, long first, long last, CancellationToken cancellationToken) =>
        ReconstructAsync(file, FormattableString.Invariant($"bytes={first}-{last}"), XetReconstructionPlan.RangesOf, XetReconstructionPlan.RangesOf, cancellationToken);

    private async Task<T> ReconstructAsync<T>(XetFileRequest file, string? range, Func<XetReconstructionV2, T> fromV2, Func<XetReconstructionV1, T> fromV1,
        CancellationToken cancellationToken)
    {
        using HttpResponseMessage v2 = await SendToCasAsync(file, "v2", range, cancellationToken).ConfigureAwait(false);
        if (v2.IsSuccessStatusCode)
        {
            return fromV2(await ReadJsonAsync(v2, HubJsonContext.Default.XetReconstructionV2, cancellationToken).ConfigureAwait(false));
        }
        if (v2.StatusCode is not (HttpStatusCode.NotFound or HttpStatusCode.NotImplemented)) throw Refused(v2);
        using HttpResponseMessage v1 = await SendToCasAsync(file, "v1", range, cancellationToken).ConfigureAwait(false);
        if (!v1.IsSuccessStatusCode) throw Refused(v1);
        return fromV1(await ReadJsonAsync(v1, HubJsonContext.Default.XetReconstructionV1, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// GETs <paramref name="url"/> with <c>Range: bytes={ranges}</c> exactly as signed, no Authorization; returns the
    /// 206 answer (headers read, body streaming). Throws <see cref="XetUrlRefusedException"/> for a 403 (an expired URL),
    /// <see cref="XetUnavailableException"/> for anything else.
    /// </summary>
    public async Task<HttpResponseMessage> GetXorbRangesAsync(Uri url, string ranges, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(() =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Options.Set(HubHttp.Anonymous, true); // Even on the hub's own host: the CAS chose the URL.
                request.Headers.TryAddWithoutValidation("Range", "bytes=" + ranges);
                return request;
            }, _http.Options.DownloadTimeout, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException)
        {
            throw new XetUnavailableException($"Xorb request to {url.GetLeftPart(UriPartial.Path)} failed: {e.Message}", e);
        }
        if (response.StatusCode == HttpStatusCode.Forbidden)
        {
            using (response) throw new XetUrlRefusedException($"Xorb request to {url.GetLeftPart(UriPartial.Path)} answered 403: the signed URL has expired or is refused.");
        }
        if (response.StatusCode != HttpStatusCode.PartialContent)
        {
            using (response) throw new XetUnavailableException($"Xorb request to {url.GetLeftPart(UriPartial.Path)} answered {(int)response.StatusCode}, not 206.");
        }
        return response;
    }

    private async Task<HttpResponseMessage> SendToCasAsync(XetFileRequest file, string version, string? range, CancellationToken cancellationToken)
    {
        XetReadToken token = await _tokens.GetAsync(file.RepoType, file.RepoId, file.Revision, refused: null, cancellationToken).ConfigureAwait(false);
        HttpResponseMessage response = await SendWithTokenAsync(token, version, file.XetHash, range, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized) return response;
        // Expired or revoked: one fresh token, one more try.
        response.Dispose();
        token = await _tokens.GetAsync(file.RepoType, file.RepoId, file.Revision, refused: token, cancellationToken).ConfigureAwait(false);
        return await SendWithTokenAsync(token, version, file.XetHash, range, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendWithTokenAsync(XetReadToken token, string version, string hash, string? range, CancellationToken cancellationToken)
    {
        var uri = new Uri(token.CasUrl.AbsoluteUri.TrimEnd('/') + $"/{version}/reconstructions/{hash}");
        try
        {
            return await _http.SendAsync(() =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, uri);
                request.Options.Set(HubHttp.BearerToken, token.AccessToken);
                if (range is not null) request.Headers.TryAddWithoutValidation("Range", range);
                return request;
            }, _http.Options.MetadataTimeout, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException)
        {
            throw new XetUnavailableException($"The Xet CAS {token.CasUrl.GetLeftPart(UriPartial.Authority)} is unreachable: {e.Message}", e);
        }
    }

    private static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync(type, cancellationToken).ConfigureAwait(false)
                ?? throw new XetUnavailableException("Malformed Xet reconstruction: null.");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a charset .NET does not know.
            throw new XetUnavailableException($"Malformed Xet reconstruction: {e.Message}", e);
        }
    }

    private static XetUnavailableException Refused(HttpResponseMessage response) =>
        new($"The Xet CAS answered {(int)response.StatusCode} for {response.RequestMessage?.RequestUri?.GetLeftPart(UriPartial.Path)}.");
}
