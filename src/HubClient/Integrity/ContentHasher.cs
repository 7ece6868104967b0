using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace HubClient;

/// <summary>
/// Hashes content as it is written, the way the hub names it: a 64-hex etag is the SHA-256 of the content, a 40-hex
/// etag the git blob SHA-1 (<c>"blob {size}\0"</c> + content), in lower case as the hub sends them or in upper case as a
/// mirror may. Any other etag (mixed case included) cannot be checked by hash (only by size).
/// </summary>
internal sealed class ContentHasher : IDisposable
{
    private readonly IncrementalHash? _hash;
    private readonly byte[]? _gitHeader;
    private readonly bool _upperCase;

    private ContentHasher(IncrementalHash? hash, byte[]? gitHeader, bool upperCase)
    {
        _hash = hash;
        _gitHeader = gitHeader;
        _upperCase = upperCase;
        Reset();
    }

    /// <summary>The algorithm's name for messages, or null when the etag is not a content hash.</summary>
    public string? Algorithm => _hash is null ? null : _gitHeader is null ? "SHA-256" : "git SHA-1";

    public static ContentHasher For(string etag, long size)
    {
        bool upperCase = etag.Any(c => c is >= 'A' and <= 'F');
        if (IsHex(etag, 64)) return new ContentHasher(IncrementalHash.CreateHash(HashAlgorithmName.SHA256), null, upperCase);
        if (IsHex(etag, 40))
        {
            byte[] header = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"blob {size}\0"));
            return new ContentHasher(IncrementalHash.CreateHash(HashAlgorithmName.SHA1), header, upperCase);
        }
        return new ContentHasher(null, null, upperCase: false);
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

    /// <summary>The hex digest in the etag's case (so that it compares equal to a matching etag), or null when the etag is not a content hash.</summary>
    public string? FinishHex() => _hash is null ? null
        : _upperCase ? Convert.ToHexString(_hash.GetHashAndReset()) : Convert.ToHexStringLower(_hash.GetHashAndReset());

    public void Dispose() => _hash?.Dispose();

    /// <summary>Hex of one case: all lower (the hub's) or all upper.</summary>
    private static bool IsHex(string s, int length) =>
        s.Length == length && (s.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f') || s.All(c => char.IsAsciiDigit(c) || c is >= 'A' and <= 'F'));
}
