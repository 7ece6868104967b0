using System.Buffers;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;

namespace HubClient;

/// <summary>
/// Downloads a blob in one HTTP stream into a temp file, hashing while writing (one pass). Continues a partial left by an
/// earlier run with <c>Range</c> (re-hashing its prefix once), resumes within the call after a dropped or stalled
/// connection, copes with servers that answer a Range with 200, gzip or a wrong <c>Content-Range</c>, and verifies size and
/// hash before returning. On a mismatch the bad bytes are truncated away and <see cref="HubIntegrityException"/> is thrown.
/// </summary>
internal sealed class SingleStreamDownloader
{
    private const int BufferSize = 1024 * 1024;
    private readonly HubHttp _http;

    public SingleStreamDownloader(HubHttp http) => _http = http;

    /// <summary>Fills <paramref name="file"/> with the verified blob. The file's existing bytes are treated as a partial to continue.</summary>
    public async Task DownloadAsync(BlobDownloadRequest request, FileStream file, CancellationToken cancellationToken)
    {
        long resumedFrom = file.Length;
        try
        {
            await DownloadOnceAsync(request, file, cancellationToken).ConfigureAwait(false);
        }
        catch (HubIntegrityException) when (resumedFrom > 0)
        {
            // The partial from an earlier run may itself have been damaged on disk: start over once, from zero.
            file.SetLength(0);
            await DownloadOnceAsync(request, file, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task DownloadOnceAsync(BlobDownloadRequest request, FileStream file, CancellationToken cancellationToken)
    {
        using ContentHasher hasher = ContentHasher.For(request.Etag, request.Size);
        long position = file.Length;
        if (position > request.Size) position = Truncate(file, hasher);
        if (position > 0)
        {
            HubLog.Resuming(_http.Logger, request.RepoPath, position, request.Size);
            HubTelemetry.Resumes.Add(1);
            await HashPrefixAsync(file, position, hasher, cancellationToken).ConfigureAwait(false);
        }
        file.Position = position;

        Uri location = request.Location;
        bool allowRange = true;
        int failuresWithoutProgress = 0;
        int redirects = 0;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (position < request.Size)
            {
                long attemptStart = position;
                try
                {
                    HubHttp.EnsureHttpLocation(location); // A location of another scheme (from the hub or a redirect) is a protocol error.
                    Uri target = location;
                    long from = allowRange ? position : 0;
                    using HttpResponseMessage response = await _http.SendAsync(
                        () => CreateGet(target, from),
                        _http.Options.DownloadTimeout, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);

                    if (DownloadRedirect.Target(response, location) is { } redirect)
                    {
                        // A resolve URL asked without a HEAD first (snapshots), a renamed repo or a mirror: follow by hand
                        // (the token goes per hop to the endpoint's host only) and keep the final address for retries.
                        location = DownloadRedirect.Follow(redirect, ref redirects, request.RepoPath);
                        continue;
                    }
                    if (response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Gone
                        && request.RefreshLocation is { } refresh && !_http.IsEndpointHost(location))
                    {
                        // A signed CDN URL expired: ask the hub for a fresh one.
                        location = await refresh(cancellationToken).ConfigureAwait(false);
                        failuresWithoutProgress++;
                        ThrowIfTooManyFailures(request, failuresWithoutProgress, null);
                        continue;
                    }
                    if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && position > 0)
                    {
                        position = Truncate(file, hasher); // The partial is stale.
                        continue;
                    }
                    await _http.EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);

                    bool encoded = IsEncoded(response.Content.Headers);
                    if (response.StatusCode == HttpStatusCode.PartialContent)
                    {
                        if (encoded || ContentRangeStart(response) != position)
                        {
                            // A range we cannot append: ask for the whole file instead.
                            position = Truncate(file, hasher);
                            allowRange = false;
                            failuresWithoutProgress++;
                            ThrowIfTooManyFailures(request, failuresWithoutProgress, null);
                            continue;
                        }
                    }
                    else if (position > 0)
                    {
                        position = Truncate(file, hasher); // 200 to a Range: the whole file comes again.
                    }

                    Stream body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                    if (encoded) body = Decode(body, response.Content.Headers.ContentEncoding);
                    await using (body.ConfigureAwait(false))
                    {
                        position = await CopyBodyAsync(request, body, file, hasher, position, buffer, cancellationToken).ConfigureAwait(false);
                    }
                    if (position < request.Size)
                    {
                        throw new IOException($"The connection closed after {position} of {request.Size} bytes.");
                    }
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested && TransientFailure.IsTransientException(e)
                    && e is not HubException and not LocalWriteException)
                {
                    position = file.Position; // Every byte written was hashed: continue right after it.
                    failuresWithoutProgress = position > attemptStart ? 1 : failuresWithoutProgress + 1;
                    ThrowIfTooManyFailures(request, failuresWithoutProgress, e);
                    HubLog.Resuming(_http.Logger, request.RepoPath, position, request.Size);
                    HubTelemetry.Resumes.Add(1);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        await file.FlushAsync(cancellationToken).ConfigureAwait(false);
        Verify(request, file, hasher);
    }

    private async Task<long> CopyBodyAsync(
        BlobDownloadRequest request, Stream body, FileStream file, ContentHasher hasher, long position, byte[] buffer, CancellationToken cancellationToken)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        TimeSpan timeout = _http.Options.DownloadTimeout;
        while (true)
        {
            idle.CancelAfter(timeout);
            int read;
            try
            {
                read = await body.ReadAsync(buffer.AsMemory(), idle.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"No bytes of '{request.RepoPath}' for {timeout.TotalSeconds:0.#} s.");
            }
            if (read == 0) return position;
            if (position + read > request.Size)
            {
                // The body is not the file announced: the bytes already written are suspect too, never resume from them.
                file.SetLength(0);
                throw new HubIntegrityException(
                    $"The server sent more than the {request.Size} bytes announced for '{request.RepoPath}'.",
                    request.RepoPath, request.Size.ToString(System.Globalization.CultureInfo.InvariantCulture), "more");
            }
            try
            {
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or ArgumentOutOfRangeException)
            {
                // .NET reports EFBIG (a file-size limit: FAT32's 4 GiB, RLIMIT_FSIZE) as ArgumentOutOfRangeException.
                throw new LocalWriteException($"Could not write '{file.Name}' (disk full?): {e.Message} The partial download is kept for the next attempt.", e);
            }
            hasher.Append(buffer.AsSpan(0, read));
            HubTelemetry.BytesDownloaded.Add(read);
            position += read;
            request.Progress?.Report(new DownloadProgress(request.RepoPath, position, request.Size));
        }
    }

    private void Verify(BlobDownloadRequest request, FileStream file, ContentHasher hasher)
    {
        long length = file.Length;
        if (length != request.Size)
        {
            file.SetLength(0);
            throw new HubIntegrityException(
                $"'{request.RepoPath}' has {length} bytes, expected {request.Size}.", request.RepoPath,
                request.Size.ToString(System.Globalization.CultureInfo.InvariantCulture), length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        string? actual = hasher.FinishHex();
        if (actual is not null && actual != request.Etag)
        {
            file.SetLength(0);
            HubLog.IntegrityFailed(_http.Logger, request.RepoPath, request.Etag, actual);
            throw new HubIntegrityException(
                $"'{request.RepoPath}' failed its {hasher.Algorithm} check: expected {request.Etag}, got {actual}. The bytes were discarded.",
                request.RepoPath, request.Etag, actual);
        }
    }

    private void ThrowIfTooManyFailures(BlobDownloadRequest request, int failures, Exception? last)
    {
        if (failures > _http.Options.Retry.MaxStalledResumes)
        {
            throw new HubException(
                $"Downloading '{request.RepoPath}' failed {failures} times in a row without progress; the partial file is kept for the next attempt.", last);
        }
    }

    private static HttpRequestMessage CreateGet(Uri location, long from)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, location);
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("identity"));
        if (from > 0) request.Headers.Range = new RangeHeaderValue(from, null);
        return request;
    }

    private static long Truncate(FileStream file, ContentHasher hasher)
    {
        file.SetLength(0);
        file.Position = 0;
        hasher.Reset();
        return 0;
    }

    private static async Task HashPrefixAsync(FileStream file, long length, ContentHasher hasher, CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            file.Position = 0;
            long remaining = length;
            while (remaining > 0)
            {
                int read = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), cancellationToken).ConfigureAwait(false);
                if (read == 0) break;
                hasher.Append(buffer.AsSpan(0, read));
                remaining -= read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static long? ContentRangeStart(HttpResponseMessage response) => response.Content.Headers.ContentRange?.From;

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
