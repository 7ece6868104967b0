using Microsoft.Win32.SafeHandles;

namespace HubClient.Xet;

/// <summary>
/// The end-to-end check after assembly: the file's content hash against the etag the hub named (<c>X-Linked-Etag</c>):
/// the SHA-256 of an LFS or Xet file, the git blob SHA-1 of a 40-hex etag (<see cref="ContentHasher"/>).
/// </summary>
internal static class XetVerification
{
    /// <summary>
    /// The hash <paramref name="etag"/> names (lowercase hex) of the first <paramref name="length"/> bytes of
    /// <paramref name="file"/>; null when the etag is no content hash.
    /// </summary>
    public static async Task<string?> HashAsync(SafeFileHandle file, long length, string etag, CancellationToken cancellationToken)
    {
        using ContentHasher hash = ContentHasher.For(etag, length);
        if (hash.Algorithm is null) return null;
        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1024 * 1024);
        try
        {
            for (long at = 0; at < length;)
            {
                int n = await RandomAccess.ReadAsync(file, buffer.AsMemory(0, (int)Math.Min(buffer.Length, length - at)), at, cancellationToken).ConfigureAwait(false);
                if (n == 0) break;
                hash.Append(buffer.AsSpan(0, n));
                at += n;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
        return hash.FinishHex();
    }

    /// <summary>Throws <see cref="HubIntegrityException"/> unless the file hashes to <paramref name="etag"/> (when it names a hash).</summary>
    public static async Task VerifyEtagAsync(SafeFileHandle file, long length, string path, string etag, CancellationToken cancellationToken)
    {
        if (await HashAsync(file, length, etag, cancellationToken).ConfigureAwait(false) is { } actual) CheckEtag(actual, path, etag);
    }

    /// <summary>Throws <see cref="HubIntegrityException"/> unless <paramref name="actual"/> is <paramref name="etag"/>.</summary>
    public static void CheckEtag(string actual, string path, string etag)
    {
        if (!string.Equals(actual, etag, StringComparison.OrdinalIgnoreCase))
        {
            string algorithm = ContentHasher.IsSha256(etag) ? "SHA-256" : "git SHA-1";
            throw new HubIntegrityException($"{algorithm} mismatch for {path}: the assembled file hashes to {actual}, the hub says {etag}.", path, etag, actual);
        }
    }
}
