using System.Globalization;
using System.Net.Http.Headers;

namespace HubClient;

/// <summary>
/// HEAD on a resolve URL: follows redirects that stay on a hub (relative ones of renamed repos, keeping their query string;
/// absolute ones to the same host, the endpoint's host or the default hub's hosts, as mirrors send), stops at any other
/// host (the CDN), and reads commit, etag and size from the hub's headers.
/// </summary>
/// <remarks>
/// The rule is huggingface_hub's since huggingface/huggingface_hub#4739 ("follow redirects between Hub hosts when resolving
/// files"). Following a redirect never widens where the token goes: <see cref="HubHttp"/> sends it to the endpoint's host only.
/// </remarks>
internal sealed class FileMetadataFetcher
{
    /// <summary>The default hub's hosts (<see cref="HubApiOptions.DefaultEndpoint"/> and its short domain), reached over https only.</summary>
    private static readonly string[] DefaultHubHosts = ["huggingface.co", "hf.co"];

    private readonly HubHttp _http;

    public FileMetadataFetcher(HubHttp http) => _http = http;

    public async Task<HubFileMetadata> GetAsync(RepoType repoType, string repoId, string revision, string path, CancellationToken cancellationToken)
    {
        Uri uri = _http.ResolveUri(repoType, repoId, revision, path);
        int redirects = 0;
        while (true)
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
                if (location is null) throw new HubProtocolException($"Redirect {status} from {current} without a Location header.", current);
                // "//host/path" names a host like an absolute location does.
                Uri target = Redirects.Resolve(location, current);
                bool relative = !location.IsAbsoluteUri && !location.OriginalString.StartsWith("//", StringComparison.Ordinal);
                // A redirect that carries the file's metadata (an LFS/Xet file's 302) is the answer, its location where the
                // bytes are, even on the hub's own host (mirrors serving LFS themselves); one without it is followed.
                if (relative || (IsHubHost(target, current) && Header(response, "X-Repo-Commit") is null))
                {
                    uri = Redirects.Follow(target, ref redirects, $"the metadata of '{path}'");
                    continue;
                }
                return Read(response, current, target, isRedirect: true);
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

        string answer = isRedirect
            ? $"The {(int)response.StatusCode} redirect from {requestUri} to {location.GetLeftPart(UriPartial.Authority)} (another host, not followed)"
            : $"The answer to HEAD {requestUri}";
        if (commit is null)
            throw new HubProtocolException($"{answer} has no X-Repo-Commit header: the endpoint does not look like a hub (check the endpoint or HF_ENDPOINT; a proxy or firewall?).", requestUri);
        if (etag is null) throw new HubProtocolException($"{answer} has no ETag or X-Linked-Etag header: the file cannot be cached or verified.", requestUri);
        if (size is null) throw new HubProtocolException($"{answer} has no file size (X-Linked-Size or Content-Length header).", requestUri);
        if (!Revision.IsCommitHash(commit)) throw new HubProtocolException($"X-Repo-Commit '{commit}' is not a 40-hex commit.", requestUri);
        if (!IsSafeFileName(etag)) throw new HubProtocolException($"The etag '{etag}' cannot name a cache file.", requestUri);
        if (!FileSizeLimit.IsPlausible(size.Value)) throw new HubProtocolException($"The hub gave a file size of {size}: {FileSizeLimit.Expected}.", requestUri);

        return new HubFileMetadata(commit, etag, size.Value, location, linkedEtag is not null, Header(response, "X-Xet-Hash"));
    }

    /// <summary>Whether a redirect to <paramref name="target"/> stays on a hub: the same origin, the endpoint's, or the default hub's.</summary>
    private bool IsHubHost(Uri target, Uri current) =>
        Uri.Compare(target, current, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0
        || _http.IsEndpointHost(target)
        || (target.Scheme == Uri.UriSchemeHttps && target.IsDefaultPort && DefaultHubHosts.Contains(target.IdnHost, StringComparer.OrdinalIgnoreCase));

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

    /// <summary>A header's first value; an empty one counts as missing.</summary>
    private static string? Header(HttpResponseMessage response, string name)
    {
        string? value = response.Headers.TryGetValues(name, out IEnumerable<string>? values) ? values.FirstOrDefault()
            : response.Content.Headers.TryGetValues(name, out values) ? values.FirstOrDefault() : null;
        return string.IsNullOrWhiteSpace(value) ? null : value;
    }
}
