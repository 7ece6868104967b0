using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace HubClient;

/// <summary>
/// Hashes content as it is written, the way the hub names it: a 64-hex etag is the SHA-256 of the content, a 40-hex
/// etag the git blob SHA-1 (<c>"blob {size}\0"</c> + content). Any other etag cannot be checked by hash (only by size).
/// </summary>
internal sealed class ContentHasher : IDisposable
{
    private readonly IncrementalHash? _hash;
    private readonly byte[]? _gitHeader;

    private ContentHasher(IncrementalHash? hash, byte[]? gitHeader)
    {
        _hash = hash;
        _gitHeader = gitHeader;
        Reset();
    }

    /// <summary>The algorithm's name for messages, or null when the etag is not a content hash.</summary>
    public string? Algorithm => _hash is null ? null : _gitHeader is null ? "SHA-256" : "git SHA-1";

    public static ContentHasher For(string etag, long size)
    {
        if (IsHex(etag, 64)) return new ContentHasher(IncrementalHash.CreateHash(HashAlgorithmName.SHA256), null);
        if (IsHex(etag, 40))
        {
            byte[] header = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"blob {size}\0"));
            return new ContentHasher(IncrementalHash.CreateHash(HashAlgorithmName.SHA1), header);
        }
        return new ContentHasher(null, null);
    }

    /// <summary>Whether blobs named <paramref name="etag"/> can be verified by hash.</summary>
    public static bool IsContentHash(string etag) => IsSha256(etag) || IsHex(etag, 40);

    /// <summary>Whether <paramref name="etag"/> is an LFS/Xet file's SHA-256 (64 hex), not a git blob SHA-1.</summary>
    public static bool IsSha256(string etag) => IsHex(etag, 64);

    public void Append(ReadOnlySpan<byte> data) => _hash?.AppendData(data);

    /// <summary>Starts over, as for a download restarting from byte zero.</summary>
    public void Reset()
    {
        if (_hash is null) return;
        _hash.GetHashAndReset();
        if (_gitHeader is not null) _hash.AppendData(_gitHeader);
    }

    /// <summary>The lowercase hex digest, or null when the etag is not a content hash.</summary>
    public string? FinishHex() => _hash is null ? null : Convert.ToHexStringLower(_hash.GetHashAndReset());

    public void Dispose() => _hash?.Dispose();

    private static bool IsHex(string s, int length) =>
        s.Length == length && s.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');
}
