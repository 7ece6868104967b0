using System.Buffers.Binary;
using System.Globalization;

namespace HubClient.Xet;

/// <summary>
/// A Xet hash: 32 bytes (BLAKE3 output). Its string form prints each 8-byte word as a little-endian u64 in 16 hex
/// digits — not the bytes in order (hub-docs <c>docs/xet/hashing.md</c>, draft-denis-xet "Hash String Format").
/// </summary>
internal readonly struct XetHash : IEquatable<XetHash>
{
    public const int Size = 32;

    private readonly byte[]? _bytes;

    public XetHash(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size) throw new ArgumentException($"A Xet hash is {Size} bytes.", nameof(bytes));
        _bytes = bytes.ToArray();
    }

    /// <summary>The all-zero hash: the file hash of an empty file.</summary>
    public static XetHash Zero { get; } = new(new byte[Size]);

    public ReadOnlySpan<byte> Bytes => _bytes ?? Zero._bytes!;

    public bool IsZero => !Bytes.ContainsAnyExcept((byte)0);

    /// <summary>The last 8 bytes as a little-endian u64: what the merkle cut rule and dedup eligibility look at.</summary>
    public ulong LastWord => BinaryPrimitives.ReadUInt64LittleEndian(Bytes[24..]);

    public static XetHash Parse(string text) =>
        TryParse(text, out XetHash hash) ? hash : throw new FormatException($"'{text}' is not a Xet hash (64 hex digits).");

    public static bool TryParse(string? text, out XetHash hash)
    {
        hash = default;
        if (text is null || text.Length != 64) return false;
        Span<byte> bytes = stackalloc byte[Size];
        for (int word = 0; word < 4; word++)
        {
            if (!ulong.TryParse(text.AsSpan(word * 16, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong value)) return false;
            BinaryPrimitives.WriteUInt64LittleEndian(bytes[(word * 8)..], value);
        }
        hash = new XetHash(bytes);
        return true;
    }

    public override string ToString()
    {
        return string.Create(64, this, static (chars, hash) =>
        {
            for (int word = 0; word < 4; word++)
            {
                ulong value = BinaryPrimitives.ReadUInt64LittleEndian(hash.Bytes[(word * 8)..]);
                value.TryFormat(chars[(word * 16)..], out _, "x16", CultureInfo.InvariantCulture);
            }
        });
    }

    public bool Equals(XetHash other) => Bytes.SequenceEqual(other.Bytes);

    public override bool Equals(object? obj) => obj is XetHash other && Equals(other);

    public override int GetHashCode() => BinaryPrimitives.ReadInt32LittleEndian(Bytes);

    public static bool operator ==(XetHash left, XetHash right) => left.Equals(right);

    public static bool operator !=(XetHash left, XetHash right) => !left.Equals(right);
}
