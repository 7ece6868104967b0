using System.Buffers;
using K4os.Compression.LZ4.Streams;

namespace HubClient.Xet;

/// <summary>
/// Reads chunks (header + payload) one at a time from a xorb byte stream and decodes them (none, LZ4 frame, byte
/// grouping 4 + LZ4 frame). Memory is two pooled buffers of at most ~132 KiB, whatever the stream's length.
/// </summary>
internal sealed class XetChunkDecoder : IDisposable
{
    private readonly Uri? _source;
    private byte[] _payload = ArrayPool<byte>.Shared.Rent(XetChunkHeader.MaxCompressedLength);
    private byte[] _scratch = ArrayPool<byte>.Shared.Rent(XetChunkHeader.MaxUncompressedLength);

    public XetChunkDecoder(Uri? source) => _source = source;

    /// <summary>
    /// Reads the next chunk from <paramref name="stream"/> and decodes it into <paramref name="destination"/> (at least
    /// 128 KiB); returns its length. Throws <see cref="EndOfStreamException"/> when the stream ends inside a chunk and
    /// <see cref="HubProtocolException"/> for a malformed one.
    /// </summary>
    public async ValueTask<int> ReadChunkAsync(Stream stream, Memory<byte> destination, CancellationToken cancellationToken)
    {
        await stream.ReadExactlyAsync(_payload.AsMemory(0, XetChunkHeader.Size), cancellationToken).ConfigureAwait(false);
        XetChunkHeader header = XetChunkHeader.Read(_payload, _source);
        await stream.ReadExactlyAsync(_payload.AsMemory(0, header.CompressedLength), cancellationToken).ConfigureAwait(false);
        return Decode(header, _payload.AsSpan(0, header.CompressedLength), destination.Span);
    }

    /// <summary>Decodes one chunk's payload into <paramref name="destination"/>; returns its length.</summary>
    public int Decode(XetChunkHeader header, ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        int length = header.UncompressedLength;
        if (destination.Length < length) throw new ArgumentException("Destination too small for the chunk.", nameof(destination));
        switch (header.Scheme)
        {
            case XetCompressionScheme.None:
                payload.CopyTo(destination);
                break;
            case XetCompressionScheme.Lz4:
                DecodeFrame(payload, destination[..length]);
                break;
            default:
                DecodeFrame(payload, _scratch.AsSpan(0, length));
                ByteGrouping4.Ungroup(_scratch.AsSpan(0, length), destination[..length]);
                break;
        }
        return length;
    }

    private void DecodeFrame(ReadOnlySpan<byte> frame, Span<byte> destination)
    {
        // The frame is copied into a read-only stream over the pooled payload buffer; K4os checks the frame's own
        // checksums and content size. Any decoding failure is a malformed chunk.
        byte[] copy = frame.Overlaps(_payload, out int offset) && offset == 0 ? _payload : frame.ToArray();
        int read;
        bool longer;
        try
        {
            using var input = new MemoryStream(copy, 0, frame.Length, writable: false);
            using LZ4DecoderStream decoder = LZ4Stream.Decode(input, extraMemory: 0, leaveOpen: false);
            read = ReadFully(decoder, destination);
            Span<byte> probe = stackalloc byte[1];
            longer = decoder.Read(probe) > 0;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException or InvalidOperationException or NotSupportedException)
        {
            throw new HubProtocolException($"Xorb chunk is not a valid LZ4 frame: {e.Message}", _source, e);
        }
        if (read != destination.Length || longer)
        {
            throw new HubProtocolException($"Xorb chunk decodes to {(longer ? "more than " + read : read)} bytes, its header says {destination.Length}.", _source);
        }
    }

    private static int ReadFully(Stream stream, Span<byte> destination)
    {
        int total = 0;
        while (total < destination.Length)
        {
            int n = stream.Read(destination[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    public void Dispose()
    {
        if (_payload.Length > 0) ArrayPool<byte>.Shared.Return(_payload);
        if (_scratch.Length > 0) ArrayPool<byte>.Shared.Return(_scratch);
        _payload = [];
        _scratch = [];
    }
}
