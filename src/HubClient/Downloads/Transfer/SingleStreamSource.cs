using System.Buffers;
using System.Globalization;

namespace HubClient;

/// <summary>
/// Transfers a file in one HTTP stream into a prefix partial (<c>{etag}.incomplete</c>, the name huggingface_hub resumes
/// too), hashing while writing (one pass): continues a partial left by an earlier run with <c>Range</c> (re-hashing its
/// prefix once) and verifies size and hash before returning. The HTTP side — redirects, refreshes, odd answers, stalls,
/// resumes within the call — is <see cref="HttpRangeReader"/>'s. On a mismatch the bad bytes are truncated away and
/// <see cref="HubIntegrityException"/> is thrown.
/// </summary>
internal sealed class SingleStreamSource
{
    private const int BufferSize = 1024 * 1024;
    private readonly HubHttp _http;
    private readonly HttpRangeReader _reader;

    public SingleStreamSource(HubHttp http, HttpRangeReader reader)
    {
        _http = http;
        _reader = reader;
    }

    /// <summary>Fills <paramref name="file"/> with the verified content. The file's existing bytes are a partial to continue.</summary>
    public async Task DownloadAsync(TransferRequest request, FileStream file, CancellationToken cancellationToken)
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

    private async Task DownloadOnceAsync(TransferRequest request, FileStream file, CancellationToken cancellationToken)
    {
        using ContentHasher hasher = ContentHasher.For(request.Etag, request.Size);
        if (file.Length > request.Size) file.SetLength(0);
        long position = file.Length;
        if (position > 0)
        {
            HubLog.Resuming(_http.Logger, request.RepoPath, position, request.Size);
            HubTelemetry.Resumes.Add(1);
            await HashPrefixAsync(file, position, hasher, cancellationToken).ConfigureAwait(false);
        }
        file.Position = position;

        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            using var location = new SharedLocation(request.Location, request.RefreshLocation);
            var read = new RangeReadRequest(request.RepoPath, request.Size, request.Size, location, RangeMode.Lenient);
            await _reader.ReadAsync(read, new HashingFileSink(file, hasher, request), buffer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        await file.FlushAsync(cancellationToken).ConfigureAwait(false);
        Verify(request, file, hasher);
    }

    private void Verify(TransferRequest request, FileStream file, ContentHasher hasher)
    {
        long length = file.Length;
        if (length != request.Size)
        {
            file.SetLength(0);
            throw new HubIntegrityException(
                $"'{request.RepoPath}' has {length} bytes, expected {request.Size}.", request.RepoPath,
                request.Size.ToString(CultureInfo.InvariantCulture), length.ToString(CultureInfo.InvariantCulture));
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
}
