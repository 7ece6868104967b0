using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace HubClient;

/// <summary>
/// Calls the hub's JSON API: requests through <see cref="HubHttp"/> (token, timeout, retries, typed errors), follows the
/// relative redirects of renamed repositories, reads <c>Link</c> pagination and deserializes with source-generated
/// metadata. Any answer that is not the JSON expected becomes a <see cref="HubProtocolException"/> naming the URL.
/// </summary>
internal sealed class HubJsonClient
{
    private readonly HubHttp _http;

    public HubJsonClient(HubHttp http) => _http = http;

    public HubHttp Http => _http;

    public async Task<T> GetAsync<T>(Uri uri, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken) =>
        (await SendAsync(HttpMethod.Get, uri, form: null, typeInfo, cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>Gets one page of a listing and the URL of the next one (from <c>Link: &lt;…&gt;; rel="next"</c>).</summary>
    public Task<(T Value, Uri? Next)> GetPageAsync<T>(Uri uri, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, uri, form: null, typeInfo, cancellationToken);

    /// <summary>POSTs <c>application/x-www-form-urlencoded</c> fields (names may repeat).</summary>
    public async Task<T> PostFormAsync<T>(Uri uri, IReadOnlyList<KeyValuePair<string, string>> form, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken) =>
        (await SendAsync(HttpMethod.Post, uri, form, typeInfo, cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>
    /// The page URL a continuation token names. Only URLs of the endpoint's scheme, host and port are accepted, so that a
    /// token (which may come from anywhere) can never make the client send its credentials to another host.
    /// </summary>
    public Uri ParseContinuationToken(string continuationToken, string paramName)
    {
        if (!Uri.TryCreate(continuationToken, UriKind.Absolute, out Uri? uri) || !_http.IsEndpointHost(uri))
        {
            throw new ArgumentException($"The continuation token is not a URL of the hub {_http.Endpoint}.", paramName);
        }
        return uri;
    }

    private async Task<(T Value, Uri? Next)> SendAsync<T>(
        HttpMethod method, Uri uri, IReadOnlyList<KeyValuePair<string, string>>? form, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        int redirects = 0;
        while (true)
        {
            Uri current = uri;
            // The whole body is read inside the retry pipeline (ResponseContentRead), so a connection dropped in the middle
            // of a page is retried like any other transient failure; a page is small (about 1,000 entries).
            using HttpResponseMessage response = await _http.SendAsync(() =>
            {
                var request = new HttpRequestMessage(method, current);
                request.Headers.Accept.ParseAdd("application/json");
                if (form is not null) request.Content = new FormUrlEncodedContent(form);
                return request;
            }, _http.Options.MetadataTimeout, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);

            if (Redirects.Target(response, current) is { } target)
            {
                uri = OnEndpoint(Redirects.Follow(target, ref redirects, current.GetLeftPart(UriPartial.Path)), current, "redirect");
                continue;
            }
            await _http.EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
            Uri? next = NextPage(response, current);
            T value = await DeserializeAsync(response, current, typeInfo, cancellationToken).ConfigureAwait(false);
            return (value, next);
        }
    }

    private static async Task<T> DeserializeAsync<T>(HttpResponseMessage response, Uri uri, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        T? value;
        try
        {
            Stream body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                value = await JsonSerializer.DeserializeAsync(body, typeInfo, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            // NotSupportedException: a polymorphic item without its type discriminator (a tree entry with no "type").
            throw new HubProtocolException(
                $"The answer to {uri.GetLeftPart(UriPartial.Path)} is not the JSON expected ({typeInfo.Type.Name}): {e.Message}", uri, e);
        }
        return value ?? throw new HubProtocolException($"The answer to {uri.GetLeftPart(UriPartial.Path)} is JSON null.", uri);
    }

    private Uri? NextPage(HttpResponseMessage response, Uri current)
    {
        if (!response.Headers.TryGetValues("Link", out IEnumerable<string>? values)) return null;
        string? target = LinkHeader.FindNext(string.Join(", ", values));
        if (target is null) return null;
        if (!Uri.TryCreate(current, target, out Uri? next))
        {
            throw new HubProtocolException($"The next-page link '{target}' is not a URL.", current);
        }
        next = OnEndpoint(LinkHeader.OntoEndpoint(next, _http.Endpoint), current, "next-page link");
        // Loops over several pages are caught by the listing (LinkedPageable); this one also stops a caller resuming page
        // by page from continuation tokens, which no listing sees whole.
        if (next == current) throw new HubProtocolException("The next-page link points at the page itself.", current);
        return next;
    }

    private Uri OnEndpoint(Uri target, Uri current, string what)
    {
        if (!_http.IsEndpointHost(target))
        {
            throw new HubProtocolException(
                $"The hub's {what} leads to {target.GetLeftPart(UriPartial.Authority)}, not to the endpoint {_http.Endpoint}: not followed.", current);
        }
        return target;
    }
}
