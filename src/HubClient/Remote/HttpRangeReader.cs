using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace HubClient;

/// <summary>
/// Fetches byte ranges of one remote file version with HTTP <c>Range</c> requests: the hub's retries, per-attempt timeouts
/// and token rules (<see cref="HubHttp.SendAsync"/>), redirects followed by hand (<see cref="DownloadRedirect"/>), a signed
/// CDN location that expired (403/410 from another host) replaced by asking the hub again, and a dropped body continued
/// after its last byte. Every answer must be a plain <c>206</c> (no <c>Content-Encoding</c>) whose <c>Content-Range</c>
/// starts at the byte asked and names the size the HEAD gave; another size means the file changed.
/// </summary>
internal sealed class HttpRangeReader : IRangeReader
{
    private const int MaxLocationRefreshes = 2;
    private const int MaxDropsWithoutProgress = 3;

    private readonly HubHttp _http;
    private readonly string _repoPath;
    private readonly Func<CancellationToken, Task<Uri>> _freshLocation;
    private Uri _location;

    /// <param name="http">Sends the requests.</param>
    /// <param name="repoPath">The file's path in the repository (for messages).</param>
    /// <param name="location">Where the bytes are (CDN or resolve URL), from the HEAD.</param>
    /// <param name="length">The file's size, from the HEAD.</param>
    /// <param name="freshLocation">Asks the hub again for the location when a signed one expired.</param>
    public HttpRangeReader(HubHttp http, string repoPath, Uri location, long length, Func<CancellationToken, Task<Uri>> freshLocation)
    {
        _http = http;
        _repoPath = repoPath;
        _location = location;
        Length = length;
        _freshLocation = freshLocation;
    }

    public long Length { get; }

    /// <summary>The number of range requests answered with bytes (for tests and diagnostics).</summary>
    public int RangeRequests { get; private set; }

    public async ValueTask ReadAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken)
    {
        RangeChecks.Validate(offset, destination.Length, Length);
        int redirects = 0, refreshes = 0, drops = 0;
        while (destination.Length > 0)
        {
            Uri uri = _location;
            HubHttp.EnsureHttpLocation(uri);
            long from = offset, to = offset + destination.Length - 1;
            using HttpResponseMessage response = await _http.SendAsync(
                () => CreateGet(uri, from, to), _http.Options.DownloadTimeout, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);

            if (DownloadRedirect.Target(response, uri) is { } target)
            {
                _location = DownloadRedirect.Follow(target, ref redirects, _repoPath);
                continue;
            }
            if (response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Gone && !_http.IsEndpointHost(uri) && refreshes < MaxLocationRefreshes)
            {
                refreshes++;
                _location = await _freshLocation(cancellationToken).ConfigureAwait(false);
                continue;
            }
            if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
            {
                throw new HubFileChangedException(Invariant($"'{_repoPath}' changed on the server: bytes {from}-{to} are not satisfiable (416), the file is shorter than {Length} bytes."), _repoPath, uri);
            }
            await _http.EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
            long served = CheckRangeAnswer(response, from, to, uri);
            RangeRequests++;

            int wanted = (int)(served - from + 1);
            int got = 0;
            try
            {
                Stream body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                await using (body.ConfigureAwait(false))
                {
                    while (got < wanted)
                    {
                        int read = await body.ReadAsync(destination[got..wanted], cancellationToken).ConfigureAwait(false);
                        if (read == 0) throw new IOException(Invariant($"The connection closed after {got} of {wanted} bytes of '{_repoPath}' at {from}."));
                        got += read;
                    }
                }
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is IOException or HttpRequestException)
            {
                drops = got > 0 ? 1 : drops + 1;
                if (drops > MaxDropsWithoutProgress) throw new HubException(Invariant($"Reading bytes {from}-{to} of '{_repoPath}' kept failing: {e.Message}"), e);
            }
            offset += got;
            destination = destination[got..];
        }
    }

    /// <summary>Returns the last byte served; throws unless the answer is a plain 206 for bytes starting at <paramref name="from"/> of a file of <see cref="Length"/> bytes.</summary>
    private long CheckRangeAnswer(HttpResponseMessage response, long from, long to, Uri uri)
    {
        if (response.StatusCode != HttpStatusCode.PartialContent)
        {
            throw new HubProtocolException(Invariant($"The server answered a Range request for '{_repoPath}' with {(int)response.StatusCode} instead of 206: it cannot serve byte ranges."), uri);
        }
        if (response.Content.Headers.ContentEncoding.Any(e => !e.Equals("identity", StringComparison.OrdinalIgnoreCase)))
        {
            throw new HubProtocolException($"The server encoded a range of '{_repoPath}' (Content-Encoding {string.Join(",", response.Content.Headers.ContentEncoding)}); byte offsets do not apply.", uri);
        }
        ContentRangeHeaderValue? range = response.Content.Headers.ContentRange;
        if (range is not { From: { } start, To: { } end } || start != from || end < from || end > to)
        {
            throw new HubProtocolException(Invariant($"The server answered bytes {from}-{to} of '{_repoPath}' with Content-Range '{range}'."), uri);
        }
        if (range.Length is { } total && total != Length)
        {
            throw new HubFileChangedException(Invariant($"'{_repoPath}' changed on the server: it now has {total} bytes, not {Length}."), _repoPath, uri);
        }
        return end;
    }

    private static HttpRequestMessage CreateGet(Uri uri, long from, long to)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Range = new RangeHeaderValue(from, to);
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("identity"));
        return request;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    public void Dispose() { }
}
