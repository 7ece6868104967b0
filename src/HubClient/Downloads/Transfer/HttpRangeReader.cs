using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;

namespace HubClient;

/// <summary>
/// The one HTTP GET of every download: reads bytes <c>[sink position, End)</c> of a file into an <see cref="IRangeSink"/>
/// and owns everything between the socket and the sink —
/// following redirects (<see cref="Redirects"/>), refreshing an expired signed location (403/410, through
/// <see cref="SharedLocation"/>), validating the answer (status, <c>Content-Range</c>, encoding, ETag), the stall timeout
/// (<see cref="HubApiOptions.DownloadTimeout"/> without a byte), resuming from the last byte written after a connection
/// breaks, and the failure budget (<see cref="RetryBudget"/>, shared with the retry pipeline so retries never multiply).
/// Bytes received are counted here (<c>hubclient.download.bytes</c>), resumes too.
/// </summary>
internal sealed class HttpRangeReader
{
    private readonly HubHttp _http;

    public HttpRangeReader(HubHttp http) => _http = http;

    /// <summary>Reads until the sink reaches <see cref="RangeReadRequest.End"/>, using <paramref name="buffer"/> for the copy.</summary>
    /// <exception cref="RangeNotSupportedException">Strict mode: the server does not serve this range as asked.</exception>
    /// <exception cref="HubFileChangedException">The file changed on the server (size, validator, 412, 416 in strict mode).</exception>
    /// <exception cref="HubProtocolException">A redirect loop or a location that is not http(s).</exception>
    /// <exception cref="HubException">An error answer, or failures without progress beyond the budget.</exception>
    /// <exception cref="LocalWriteException">The sink could not write.</exception>
    public async Task ReadAsync(RangeReadRequest request, IRangeSink sink, byte[] buffer, CancellationToken cancellationToken)
    {
        RetryBudget budget = _http.NewRetryBudget();
        bool allowRange = true;
        int redirects = 0;
        while (sink.Position < request.End)
        {
            long attemptStart = sink.Position;
            bool answered = false;
            try
            {
                (Uri uri, int version) = request.Location.Current;
                HubHttp.EnsureHttpLocation(uri);
                if (!allowRange && sink.Position > 0) sink.Restart();
                long from = sink.Position;
                bool ranged = request.Mode == RangeMode.Strict || from > 0;
                long? to = request.Mode == RangeMode.Strict ? request.End - 1 : null;
                string? ifMatch = request.Validator?.IfMatch;
                HttpResponseMessage response = await SendAsync(uri, ranged ? from : null, to, ifMatch, budget, request, cancellationToken).ConfigureAwait(false);
                using (response)
                {
                    answered = true;
                    switch (await ClassifyAsync(request, response, uri, version, from, ifMatch, budget, cancellationToken).ConfigureAwait(false))
                    {
                        case Answer.Redirect:
                            request.Location.Redirected(version, Redirects.Follow(Redirects.Target(response, uri)!, ref redirects, $"'{request.RepoPath}'"));
                            continue;
                        case Answer.Again:
                            continue;
                        case Answer.Restart:
                            sink.Restart();
                            continue;
                        case Answer.WholeFileOnly:
                            sink.Restart();
                            allowRange = false;
                            Spend(budget, request, null);
                            continue;
                    }

                    if (response.StatusCode == HttpStatusCode.OK && from > 0) sink.Restart(); // 200 to a Range: the whole file comes again.
                    request.RangeServed?.Invoke();
                    Stream body = new IdleTimeoutStream(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false),
                        _http.Options.DownloadTimeout, _http.Options.TimeProvider, $"bytes of '{request.RepoPath}'");
                    if (IsEncoded(response.Content.Headers)) body = Decode(body, response.Content.Headers.ContentEncoding);
                    await using (body.ConfigureAwait(false))
                    {
                        try
                        {
                            await CopyAsync(request, body, sink, buffer, cancellationToken).ConfigureAwait(false);
                        }
                        catch (Exception e) when (e is InvalidDataException or InvalidOperationException && IsEncoded(response.Content.Headers))
                        {
                            // The decoder's own errors (gzip, deflate, br): the body is not what its Content-Encoding says.
                            throw new HubProtocolException(
                                $"The body of '{request.RepoPath}' does not decode as its Content-Encoding '{string.Join(", ", response.Content.Headers.ContentEncoding)}' says: {e.Message}",
                                response.RequestMessage?.RequestUri, e);
                        }
                    }
                }
                if (sink.Position < request.End)
                {
                    throw new IOException(string.Create(CultureInfo.InvariantCulture,
                        $"The connection closed at byte {sink.Position}, before byte {request.End} of '{request.RepoPath}'."));
                }
            }
            catch (Exception e) when (answered && !cancellationToken.IsCancellationRequested && TransientFailure.IsTransientException(e)
                && e is not HubException and not LocalWriteException)
            {
                // A connection that broke mid-body: every byte written was checksummed, continue right after the last one.
                if (sink.Position > attemptStart) budget.Progressed();
                Spend(budget, request, e);
                HubLog.Resuming(_http.Logger, request.RepoPath, sink.Position, request.FileSize);
                HubTelemetry.Resumes.Add(1);
            }
        }
    }

    private enum Answer
    {
        Body,
        Redirect,
        Again,
        Restart,
        WholeFileOnly,
    }

    /// <summary>Sends the GET through the retry pipeline; what it could not get an answer for becomes a <see cref="HubException"/>.</summary>
    private async Task<HttpResponseMessage> SendAsync(
        Uri uri, long? from, long? to, string? ifMatch, RetryBudget budget, RangeReadRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await _http.SendAsync(() => CreateGet(uri, from, to, ifMatch), _http.Options.DownloadTimeout,
                HttpCompletionOption.ResponseHeadersRead, cancellationToken, budget).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && TransientFailure.IsTransientException(e) && e is not HubException)
        {
            (string doing, string kept) = request.KeepsPartial ? ("Downloading", "; the partial file is kept for the next attempt") : ("Reading bytes of", "");
            throw new HubException(string.Create(CultureInfo.InvariantCulture,
                $"{doing} '{request.RepoPath}' failed {budget.Failures + 1} times in a row without progress ({e.Message}){kept}."),
                null, null, null, new Uri(uri.GetLeftPart(UriPartial.Path)), e);
        }
    }

    /// <summary>What to do with an answer: read its body, or follow, ask again, or start over. Throws for answers that end the read.</summary>
    private async Task<Answer> ClassifyAsync(
        RangeReadRequest request, HttpResponseMessage response, Uri uri, int version, long from, string? ifMatch, RetryBudget budget,
        CancellationToken cancellationToken)
    {
        bool strict = request.Mode == RangeMode.Strict;
        if (Redirects.Target(response, uri) is not null) return Answer.Redirect;
        if (response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Gone && request.Location.CanRefresh && !_http.IsEndpointHost(uri))
        {
            // A signed CDN URL expired: ask the hub for a fresh one (once for all connections of the file).
            await request.Location.RefreshAsync(version, cancellationToken).ConfigureAwait(false);
            Spend(budget, request, null);
            return Answer.Again;
        }
        if (response.StatusCode == HttpStatusCode.PreconditionFailed && strict)
        {
            if (request.Validator?.IsChangeOnPreconditionFailed(ifMatch) ?? true) throw Changed(request, "it no longer matches If-Match (412)", uri);
            Spend(budget, request, null);
            return Answer.Again;
        }
        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            if (strict)
            {
                throw Changed(request, string.Create(CultureInfo.InvariantCulture,
                    $"bytes {from}-{request.End - 1} are not satisfiable (416): the file is shorter than {request.FileSize} bytes"), uri);
            }
            if (from > 0) return Answer.Restart; // The partial is stale.
        }
        await _http.EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);

        bool encoded = IsEncoded(response.Content.Headers);
        if (response.StatusCode != HttpStatusCode.PartialContent)
        {
            if (strict) throw new RangeNotSupportedException($"The server answered a Range request with {(int)response.StatusCode} instead of 206.");
            return Answer.Body;
        }
        ContentRangeHeaderValue? range = response.Content.Headers.ContentRange;
        if (encoded || range?.From != from)
        {
            if (strict)
            {
                throw new RangeNotSupportedException(encoded
                    ? "The server encoded a range (Content-Encoding); byte offsets do not apply."
                    : string.Create(CultureInfo.InvariantCulture, $"The server answered bytes {from}- with Content-Range '{range}'."));
            }
            return Answer.WholeFileOnly; // A range we cannot append: ask for the whole file instead.
        }
        if (strict)
        {
            if (range.Length is { } total && total != request.FileSize)
            {
                throw Changed(request, string.Create(CultureInfo.InvariantCulture, $"it now has {total} bytes, not {request.FileSize}"), uri);
            }
            if (request.Validator is { } validator && !validator.Accept(response.Headers.ETag))
            {
                throw Changed(request, $"a range came with ETag {response.Headers.ETag} instead of {validator.IfMatch}", uri);
            }
        }
        return Answer.Body;
    }

    /// <summary>
    /// Copies the body into the sink, a buffer at a time, until the read's end (strict) or the body's end (lenient, which
    /// lets the sink see a body longer than the file). A stall longer than the download timeout is a <see cref="TimeoutException"/>;
    /// bytes that arrived before a failure are written first, so the retry asks for less.
    /// </summary>
    private async Task CopyAsync(RangeReadRequest request, Stream body, IRangeSink sink, byte[] buffer, CancellationToken cancellationToken)
    {
        TimeProvider clock = _http.Options.TimeProvider;
        bool strict = request.Mode == RangeMode.Strict;
        while (!strict || sink.Position < request.End)
        {
            int want = strict ? (int)Math.Min(buffer.Length, request.End - sink.Position) : buffer.Length;
            int filled = 0;
            bool ended = false;
            long started = clock.GetTimestamp();
            try
            {
                // A full buffer makes one large write; a slow link's bytes are written (and reported) at least every
                // FlushInterval, so that progress moves and an interruption loses little.
                while (filled < want && (filled == 0 || clock.GetElapsedTime(started) < FlushInterval))
                {
                    int read = await body.ReadAsync(buffer.AsMemory(filled, want - filled), cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        ended = true;
                        break;
                    }
                    filled += read;
                }
            }
            catch (Exception e) when (filled > 0 && e is IOException or HttpRequestException or TimeoutException or OperationCanceledException)
            {
                // Bytes received before a failure or a cancellation are kept for the resume.
                try
                {
                    await WriteAsync(sink, buffer, filled).ConfigureAwait(false);
                }
                catch (Exception) when (e is OperationCanceledException)
                {
                    // The caller cancelled: that is the answer, whatever keeping the bytes ran into.
                }
                throw;
            }
            if (filled > 0) await WriteAsync(sink, buffer, filled).ConfigureAwait(false);
            if (ended) return;
        }
    }

    /// <summary>The longest bytes received wait in the buffer before they are written: a slow link's progress still moves.</summary>
    private static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Writes received bytes to the sink. Not cancellable: a local write of bytes already paid for, which a cancellation
    /// arriving just then must not throw away (the next read sees the cancellation).
    /// </summary>
    private static async ValueTask WriteAsync(IRangeSink sink, byte[] buffer, int count)
    {
        await sink.WriteAsync(buffer.AsMemory(0, count), CancellationToken.None).ConfigureAwait(false);
        HubTelemetry.BytesDownloaded.Add(count);
    }

    private static void Spend(RetryBudget budget, RangeReadRequest request, Exception? last)
    {
        if (budget.TryConsume()) return;
        string what = budget.Failures == 0
            ? "failed, and HubRetryOptions.MaxRetries allows no retry"
            : string.Create(CultureInfo.InvariantCulture, $"failed {budget.Failures + 1} times in a row without progress");
        throw new HubException($"Downloading '{request.RepoPath}' {what}{(last is null ? "" : $" ({last.Message})")}; a large file's partial download keeps the verified bytes for the next attempt.", last);
    }

    private static HubFileChangedException Changed(RangeReadRequest request, string why, Uri uri) =>
        new($"'{request.RepoPath}' changed on the server during the download ({why}). Nothing was published; call again to download the new version.",
            request.RepoPath, new Uri(uri.GetLeftPart(UriPartial.Path)));

    private static HttpRequestMessage CreateGet(Uri location, long? from, long? to, string? ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, location);
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("identity"));
        if (from is { } start) request.Headers.Range = new RangeHeaderValue(start, to);
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return request;
    }

    private static bool IsEncoded(HttpContentHeaders headers) =>
        headers.ContentEncoding.Any(e => !e.Equals("identity", StringComparison.OrdinalIgnoreCase));

    private static Stream Decode(Stream body, ICollection<string> encodings)
    {
        foreach (string encoding in encodings.Reverse())
        {
            body = encoding.ToLowerInvariant() switch
            {
                "gzip" or "x-gzip" => new GZipStream(body, CompressionMode.Decompress),
                "deflate" => new ZLibStream(body, CompressionMode.Decompress),
                "br" => new BrotliStream(body, CompressionMode.Decompress),
                "identity" => body,
                _ => throw new HubException($"The server sent an unsupported Content-Encoding '{encoding}'."),
            };
        }
        return body;
    }
}
