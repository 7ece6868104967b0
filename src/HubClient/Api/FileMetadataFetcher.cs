using System.Globalization;
using System.Net.Http.Headers;

namespace HubClient;

/// <summary>
/// HEAD on a resolve URL: follows relative redirects (renamed repos) keeping their query string, stops at an absolute one
/// (the CDN), and reads commit, etag and size from the hub's headers.
/// </summary>
internal sealed class FileMetadataFetcher
{
    private const int MaxRelativeRedirects = 10;
    private readonly HubHttp _http;

    public FileMetadataFetcher(HubHttp http) => _http = http;

    public async Task<HubFileMetadata> GetAsync(RepoType repoType, string repoId, string revision, string path, CancellationToken cancellationToken)
    {
        Uri uri = _http.ResolveUri(repoType, repoId, revision, path);
        for (int hop = 0; ; hop++)
        {
            Uri current = uri;
            using HttpResponseMessage response = await _http.SendAsync(() =>
            {
                var head = new HttpRequestMessage(HttpMethod.Head, current);
                head.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("identity"));
                return head;
            }, _http.Options.MetadataTimeout, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);

            int status = (int)response.StatusCode;
            if (status is >= 300 and <= 399)
            {
                Uri? location = response.Headers.Location;
                if (location is null) throw new HubProtocolException($"Redirect {status} without a Location header.", current);
                // Like huggingface_hub, only a location without a host is followed here; "//host/path" names another
                // host, so it is where the bytes are, as an absolute location.
                if (!location.IsAbsoluteUri && !location.OriginalString.StartsWith("//", StringComparison.Ordinal))
                {
                    if (hop >= MaxRelativeRedirects)
                        throw new HubProtocolException($"More than {MaxRelativeRedirects} redirects resolving '{path}' (a redirect loop?).", current);
                    uri = new Uri(current, location);
                    continue;
                }
                return Read(response, current, location.IsAbsoluteUri ? location : new Uri(current, location), isRedirect: true);
            }
            await _http.EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
            return Read(response, current, current, isRedirect: false);
        }
    }

    private static HubFileMetadata Read(HttpResponseMessage response, Uri requestUri, Uri location, bool isRedirect)
    {
        string? commit = Header(response, "X-Repo-Commit");
        string? linkedEtag = Header(response, "X-Linked-Etag");
        string? etag = NormalizeEtag(linkedEtag ?? Header(response, "ETag"));
        long? size = ParseSize(Header(response, "X-Linked-Size")) ?? (isRedirect ? null : response.Content.Headers.ContentLength);

        if (commit is null) throw new HubProtocolException("The answer has no X-Repo-Commit header: the server does not look like a hub (a proxy or firewall?).", requestUri);
        if (etag is null) throw new HubProtocolException("The answer has no ETag: the file cannot be cached or verified.", requestUri);
        if (size is null) throw new HubProtocolException("The answer gives no file size (X-Linked-Size or Content-Length).", requestUri);
        if (!Revision.IsCommitHash(commit)) throw new HubProtocolException($"X-Repo-Commit '{commit}' is not a 40-hex commit.", requestUri);
        if (!IsSafeFileName(etag)) throw new HubProtocolException($"The etag '{etag}' cannot name a cache file.", requestUri);
        if (size < 0) throw new HubProtocolException($"Negative size {size}.", requestUri);

        return new HubFileMetadata(commit, etag, size.Value, location, linkedEtag is not null, Header(response, "X-Xet-Hash"));
    }

    /// <summary>Removes a weak marker <c>W/</c> and the surrounding quotes.</summary>
    internal static string? NormalizeEtag(string? etag)
    {
        if (string.IsNullOrWhiteSpace(etag)) return null;
        string value = etag.Trim();
        if (value.StartsWith("W/", StringComparison.Ordinal)) value = value[2..];
        value = value.Trim('"');
        return value.Length == 0 ? null : value;
    }

    private static bool IsSafeFileName(string etag) =>
        etag.Length <= 200 && etag.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static long? ParseSize(string? value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long size) ? size : null;

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out IEnumerable<string>? values) ? values.FirstOrDefault()
        : response.Content.Headers.TryGetValues(name, out values) ? values.FirstOrDefault() : null;
}
