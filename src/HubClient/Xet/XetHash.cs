using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Globalization;

namespace HubClient.Xet;

/// <summary>
/// A Xet hash: 32 bytes (BLAKE3 output). Its string form prints each 8-byte word as a little-endian u64 in 16 hex
/// digits — not the bytes in order (hub-docs <c>docs/xet/hashing.md</c>, draft-denis-xet "Hash String Format").
/// </summary>
[System.Text.Json.Serialization.JsonConverter(typeof(XetHashJsonConverter))]
internal readonly struct XetHash : IEquatable<XetHash>
{
    public const int Size = 32;

    // The four little-endian u64 words, held inline: a chunk hash costs no allocation, and a list of them 32 bytes each.
    private readonly ulong _w0, _w1, _w2, _w3;

    public XetHash(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size) throw new ArgumentException($"A Xet hash is {Size} bytes.", nameof(bytes));
        _w0 = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        _w1 = BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]);
        _w2 = BinaryPrimitives.ReadUInt64LittleEndian(bytes[16..]);
        _w3 = BinaryPrimitives.ReadUInt64LittleEndian(bytes[24..]);
    }

    private XetHash(ulong w0, ulong w1, ulong w2, ulong w3) => (_w0, _w1, _w2, _w3) = (w0, w1, w2, w3);

    /// <summary>The all-zero hash: the file hash of an empty file.</summary>
    public static XetHash Zero => default;

    public bool IsZero => (_w0 | _w1 | _w2 | _w3) == 0;

    /// <summary>The last 8 bytes as a little-endian u64: what the merkle cut rule and dedup eligibility look at.</summary>
    public ulong LastWord => _w3;

    /// <summary>The 32 bytes, in order.</summary>
    public byte[] ToBytes()
    {
        byte[] bytes = new byte[Size];
        CopyTo(bytes);
        return bytes;
    }

    /// <summary>Writes the 32 bytes, in order, into <paramref name="destination"/>.</summary>
    public void CopyTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, _w0);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], _w1);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[16..], _w2);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[24..], _w3);
    }

    public static XetHash Parse(string text) =>
        TryParse(text, out XetHash hash) ? hash : throw new FormatException($"'{text}' is not a Xet hash (64 hex digits).");

    public static bool TryParse(string? text, out XetHash hash) => TryParse(text.AsSpan(), out hash);

    public static bool TryParse(ReadOnlySpan<char> text, out XetHash hash)
    {
        hash = default;
        if (text.Length != 64
            || !ulong.TryParse(text[..16], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong w0)
            || !ulong.TryParse(text[16..32], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong w1)
            || !ulong.TryParse(text[32..48], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong w2)
            || !ulong.TryParse(text[48..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong w3))
        {
            return false;
        }
        hash = new XetHash(w0, w1, w2, w3);
        return true;
    }

    /// <summary>Parses the string form from ASCII bytes.</summary>
    public static bool TryParse(ReadOnlySpan<byte> ascii, out XetHash hash)
    {
        hash = default;
        Span<char> text = stackalloc char[64];
        return ascii.Length == 64 && Ascii.ToUtf16(ascii, text, out _) == OperationStatus.Done && TryParse(text, out hash);
    }

    public override string ToString() => string.Create(64, this, static (chars, hash) => hash.Format(chars));

    /// <summary>Writes the 64-character string form into <paramref name="chars"/>: each word as 16 hex digits.</summary>
    public void Format(Span<char> chars)
    {
        _w0.TryFormat(chars, out _, "x16", CultureInfo.InvariantCulture);
        _w1.TryFormat(chars[16..], out _, "x16", CultureInfo.InvariantCulture);
        _w2.TryFormat(chars[32..], out _, "x16", CultureInfo.InvariantCulture);
        _w3.TryFormat(chars[48..], out _, "x16", CultureInfo.InvariantCulture);
    }

    public bool Equals(XetHash other) => _w0 == other._w0 && _w1 == other._w1 && _w2 == other._w2 && _w3 == other._w3;

    public override bool Equals(object? obj) => obj is XetHash other && Equals(other);

    public override int GetHashCode() => (int)_w0;

    public static bool operator ==(XetHash left, XetHash right) => left.Equals(right);

    public static bool operator !=(XetHash left, XetHash right) => !left.Equals(right);
}
