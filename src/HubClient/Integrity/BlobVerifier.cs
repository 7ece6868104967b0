using System.Buffers;

namespace HubClient;

/// <summary>Re-hashes a file on disk the way its etag names it.</summary>
internal static class BlobVerifier
{
    private const int BufferSize = 1024 * 1024;

    /// <summary>The file's hash in the etag's algorithm, or null when the etag is not a content hash.</summary>
    public static async Task<string?> HashFileAsync(string path, string etag, CancellationToken cancellationToken, IProgress<long>? bytesRead = null)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (file.ConfigureAwait(false))
        {
            using ContentHasher hasher = ContentHasher.For(etag, file.Length);
            if (hasher.Algorithm is null) return null;
            byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            try
            {
                long total = 0;
                int read;
                while ((read = await file.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hasher.Append(buffer.AsSpan(0, read));
                    total += read;
                    bytesRead?.Report(total);
                }
                return hasher.FinishHex();
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
