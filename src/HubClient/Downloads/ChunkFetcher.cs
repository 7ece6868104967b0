using System.Globalization;
using System.IO.Hashing;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Microsoft.Win32.SafeHandles;

namespace HubClient;

/// <summary>
/// Fetches one chunk of a parallel download with a <c>Range</c> request and writes it at its offset, checksumming the bytes
/// with XxHash3 as they are written. A connection that drops or stalls mid-chunk is asked again for the rest only; a signed
/// URL that expired (403/410) is refreshed through <see cref="SharedLocation"/>. Answers that show the server cannot serve
/// ranges throw <see cref="RangeNotSupportedException"/>; answers that show the file changed throw
/// <see cref="HubFileChangedException"/>.
/// </summary>
internal sealed class ChunkFetcher
{
    private readonly HubHttp _http;
    private readonly BlobDownloadRequest _request;
    private readonly SafeFileHandle _file;
    private readonly SharedLocation _location;
    private readonly RangeValidator _validator;
    private readonly ByteProgress _progress;
    private readonly TaskCompletionSource _rangesServed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ChunkFetcher(HubHttp http, BlobDownloadRequest request, SafeFileHandle file, SharedLocation location, RangeValidator validator, ByteProgress progress)
    {
        _http = http;
        _request = request;
        _file = file;
        _location = location;
        _validator = validator;
        _progress = progress;
    }

    /// <summary>Completes when the first 206 answer arrived: the server serves ranges, and the validator is known.</summary>
    public Task RangesServed => _rangesServed.Task;

    /// <summary>Downloads <paramref name="chunk"/> into the file; returns the XxHash3 of its bytes.</summary>
    public async Task<ulong> FetchAsync(FileChunk chunk, byte[] buffer, CancellationToken cancellationToken)
    {
        var checksum = new XxHash3();
        var cursor = new StrongBox<long>(chunk.Offset);
        int failuresWithoutProgress = 0;
        int redirects = 0;
        while (cursor.Value < chunk.End)
        {
            long attemptStart = cursor.Value;
            try
            {
                (Uri uri, int version) = _location.Current;
                HubHttp.EnsureHttpLocation(uri); // A location of another scheme (from the hub or a redirect) is a protocol error.
                string? ifMatch = _validator.IfMatch;
                long from = cursor.Value;
                using HttpResponseMessage response = await _http.SendAsync(
                    () => CreateGet(uri, from, chunk.Last, ifMatch),
                    _http.Options.DownloadTimeout, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);

                if (DownloadRedirect.Target(response, uri) is { } target)
                {
                    // A resolve URL (snapshots skip the HEAD) sends every connection on to the CDN: remember where.
                    _location.Redirected(version, DownloadRedirect.Follow(target, ref redirects, _request.RepoPath));
                    continue;
                }
                if (response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Gone && _location.CanRefresh && !_http.IsEndpointHost(uri))
                {
                    // The signed CDN URL expired: one connection asks the hub for a fresh one, all use it.
                    await _location.RefreshAsync(version, cancellationToken).ConfigureAwait(false);
                    failuresWithoutProgress = CountFailure(failuresWithoutProgress + 1, null);
                    continue;
                }
                if (response.StatusCode == HttpStatusCode.PreconditionFailed)
                {
                    if (_validator.IsChangeOnPreconditionFailed(ifMatch)) throw Changed("it no longer matches If-Match (412)", uri);
                    failuresWithoutProgress = CountFailure(failuresWithoutProgress + 1, null);
                    continue;
                }
                if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
                {
                    throw Changed($"bytes {from}-{chunk.Last} are not satisfiable (416): the file is shorter than {_request.Size} bytes", uri);
                }
                await _http.EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
                CheckRangeAnswer(response, from, uri);
                _rangesServed.TrySetResult();

                Stream body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                await using (body.ConfigureAwait(false))
                {
                    await CopyAsync(body, chunk, cursor, checksum, buffer, cancellationToken).ConfigureAwait(false);
                }
                if (cursor.Value < chunk.End)
                {
                    throw new IOException($"The connection closed at byte {cursor.Value}, before the end of bytes {chunk.Offset}-{chunk.Last}.");
                }
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && TransientFailure.IsTransientException(e)
                && e is not HubException and not LocalWriteException)
            {
                // Every byte written was checksummed: continue right after the last one.
                failuresWithoutProgress = CountFailure(cursor.Value > attemptStart ? 1 : failuresWithoutProgress + 1, e);
            }
        }
        return checksum.GetCurrentHashAsUInt64();
    }

    /// <summary>Throws unless the answer is a plain 206 for exactly the bytes asked, of a file of the expected size and version.</summary>
    private void CheckRangeAnswer(HttpResponseMessage response, long from, Uri uri)
    {
        if (response.StatusCode != HttpStatusCode.PartialContent)
        {
            throw new RangeNotSupportedException($"The server answered a Range request with {(int)response.StatusCode} instead of 206.");
        }
        if (response.Content.Headers.ContentEncoding.Any(e => !e.Equals("identity", StringComparison.OrdinalIgnoreCase)))
        {
            throw new RangeNotSupportedException("The server encoded a range (Content-Encoding); byte offsets do not apply.");
        }
        ContentRangeHeaderValue? range = response.Content.Headers.ContentRange;
        if (range?.From != from)
        {
            throw new RangeNotSupportedException(string.Create(CultureInfo.InvariantCulture,
                $"The server answered bytes {from}- with Content-Range '{range}'."));
        }
        if (range.Length is { } total && total != _request.Size)
        {
            throw Changed(string.Create(CultureInfo.InvariantCulture, $"it now has {total} bytes, not {_request.Size}"), uri);
        }
        if (!_validator.Accept(response.Headers.ETag))
        {
            throw Changed($"a range came with ETag {response.Headers.ETag} instead of {_validator.IfMatch}", uri);
        }
    }

    /// <summary>Copies the body to the file from <paramref name="cursor"/> on, advancing it after every write (also when the copy then fails).</summary>
    private async Task CopyAsync(Stream body, FileChunk chunk, StrongBox<long> cursor, XxHash3 checksum, byte[] buffer, CancellationToken cancellationToken)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        TimeSpan timeout = _http.Options.DownloadTimeout;
        while (cursor.Value < chunk.End)
        {
            // Fill the buffer before writing: fewer, larger writes at the chunk's offset.
            int want = (int)Math.Min(buffer.Length, chunk.End - cursor.Value);
            int filled = 0;
            try
            {
                while (filled < want)
                {
                    idle.CancelAfter(timeout);
                    int read;
                    try
                    {
                        read = await body.ReadAsync(buffer.AsMemory(filled, want - filled), idle.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        throw new TimeoutException($"No bytes of '{_request.RepoPath}' for {timeout.TotalSeconds:0.#} s.");
                    }
                    if (read == 0) break;
                    filled += read;
                }
            }
            catch (Exception e) when (filled > 0 && e is IOException or HttpRequestException or TimeoutException)
            {
                // Keep what arrived before the connection broke, so the retry asks for less.
                await WriteAsync(buffer, filled, cursor, checksum, cancellationToken).ConfigureAwait(false);
                throw;
            }
            if (filled == 0) return;
            await WriteAsync(buffer, filled, cursor, checksum, cancellationToken).ConfigureAwait(false);
            if (filled < want) return; // The body ended early.
        }
    }

    private async Task WriteAsync(byte[] buffer, int count, StrongBox<long> cursor, XxHash3 checksum, CancellationToken cancellationToken)
    {
        try
        {
            await RandomAccess.WriteAsync(_file, buffer.AsMemory(0, count), cursor.Value, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new LocalWriteException($"Could not write the partial download of '{_request.RepoPath}' (disk full?): {e.Message} Completed chunks are kept for the next attempt.", e);
        }
        checksum.Append(buffer.AsSpan(0, count));
        cursor.Value += count;
        _progress.Add(count);
    }

    private int CountFailure(int failures, Exception? last)
    {
        if (failures > _http.Options.Retry.MaxStalledResumes)
        {
            throw new HubException(
                $"Downloading a range of '{_request.RepoPath}' failed {failures} times in a row without progress; completed chunks are kept for the next attempt.", last);
        }
        return failures;
    }

    private HubFileChangedException Changed(string why, Uri uri) =>
        new($"'{_request.RepoPath}' changed on the server during the download ({why}). Nothing was published; call again to download the new version.",
            _request.RepoPath, new Uri(uri.GetLeftPart(UriPartial.Path)));

    private static HttpRequestMessage CreateGet(Uri location, long from, long to, string? ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, location);
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("identity"));
        request.Headers.Range = new RangeHeaderValue(from, to);
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return request;
    }
}
