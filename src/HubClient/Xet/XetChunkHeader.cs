namespace HubClient.Xet;

/// <summary>
/// The 8-byte header before each chunk in a xorb: u8 version (0), u24 LE compressed length, u8 scheme, u24 LE
/// uncompressed length (hub-docs <c>docs/xet/xorb.md</c>).
/// </summary>
internal readonly record struct XetChunkHeader(int CompressedLength, XetCompressionScheme Scheme, int UncompressedLength)
{
    public const int Size = 8;

    /// <summary>The largest chunk the chunker makes (128 KiB); anything larger is refused.</summary>
    public const int MaxUncompressedLength = 128 * 1024;

    /// <summary>
    /// The largest compressed payload accepted: an LZ4 frame of incompressible data is slightly larger than its input
    /// (frame header, block headers and optional checksums); generous, but bounded.
    /// </summary>
    public const int MaxCompressedLength = MaxUncompressedLength + 4096;

    /// <summary>Reads and checks a header; throws <see cref="HubProtocolException"/> for anything a xorb cannot contain.</summary>
    public static XetChunkHeader Read(ReadOnlySpan<byte> bytes, Uri? source)
    {
        if (bytes.Length < Size) throw new HubProtocolException("Xorb chunk header truncated.", source);
        if (bytes[0] != 0) throw new HubProtocolException($"Xorb chunk header version {bytes[0]} is not supported (only 0).", source);
        int compressed = bytes[1] | bytes[2] << 8 | bytes[3] << 16;
        byte scheme = bytes[4];
        int uncompressed = bytes[5] | bytes[6] << 8 | bytes[7] << 16;
        if (scheme > (byte)XetCompressionScheme.ByteGrouping4Lz4)
        {
            throw new HubProtocolException($"Xorb chunk uses unknown compression scheme {scheme}.", source);
        }
        if (uncompressed == 0 || uncompressed > MaxUncompressedLength)
        {
            throw new HubProtocolException($"Xorb chunk claims {uncompressed} uncompressed bytes (1 to {MaxUncompressedLength} allowed).", source);
        }
        if (compressed == 0 || compressed > MaxCompressedLength
            || ((XetCompressionScheme)scheme == XetCompressionScheme.None && compressed != uncompressed))
        {
            throw new HubProtocolException($"Xorb chunk claims {compressed} compressed bytes for {uncompressed} uncompressed (scheme {scheme}).", source);
        }
        return new XetChunkHeader(compressed, (XetCompressionScheme)scheme, uncompressed);
    }

    public void Write(Span<byte> bytes)
    {
        bytes[0] = 0;
        WriteU24(bytes[1..], CompressedLength);
        bytes[4] = (byte)Scheme;
        WriteU24(bytes[5..], UncompressedLength);
    }

    private static void WriteU24(Span<byte> bytes, int value)
    {
        bytes[0] = (byte)value;
        bytes[1] = (byte)(value >> 8);
        bytes[2] = (byte)(value >> 16);
    }
}
