using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace HubClient.Xet;

/// <summary>The end-to-end check after assembly: the file's SHA-256 against the hub's <c>X-Linked-Etag</c>.</summary>
internal static class XetVerification
{
    /// <summary>The SHA-256 (lowercase hex) of the first <paramref name="length"/> bytes of <paramref name="file"/>.</summary>
    public static async Task<string> Sha256Async(SafeFileHandle file, long length, CancellationToken cancellationToken)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1024 * 1024);
        try
        {
            for (long at = 0; at < length;)
            {
                int n = await RandomAccess.ReadAsync(file, buffer.AsMemory(0, (int)Math.Min(buffer.Length, length - at)), at, cancellationToken).ConfigureAwait(false);
                if (n == 0) break;
                sha.AppendData(buffer, 0, n);
                at += n;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>Throws <see cref="HubIntegrityException"/> unless the file's SHA-256 is <paramref name="expectedSha256"/>.</summary>
    public static async Task VerifySha256Async(SafeFileHandle file, long length, string path, string expectedSha256, CancellationToken cancellationToken)
    {
        string actual = await Sha256Async(file, length, cancellationToken).ConfigureAwait(false);
        CheckSha256(actual, path, expectedSha256);
    }

    /// <summary>Throws <see cref="HubIntegrityException"/> unless <paramref name="actual"/> is <paramref name="expectedSha256"/>.</summary>
    public static void CheckSha256(string actual, string path, string expectedSha256)
    {
        if (!string.Equals(actual, expectedSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new HubIntegrityException($"SHA-256 mismatch for {path}: the assembled file hashes to {actual}, the hub says {expectedSha256}.", path, expectedSha256, actual);
        }
    }
}
