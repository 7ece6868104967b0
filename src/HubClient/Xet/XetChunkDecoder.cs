using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using K4os.Compression.LZ4;
using K4os.Compression.LZ4.Streams;

namespace HubClient.Xet;

/// <summary>
/// Reads chunks (header + payload) one at a time from a xorb byte stream and decodes them (none, LZ4 frame, byte
/// grouping 4 + LZ4 frame). Memory is three pooled buffers of about 128 KiB, whatever the stream's length.
/// </summary>
internal sealed class XetChunkDecoder : IDisposable
{
    private readonly Uri? _source;
    private byte[] _payload = ArrayPool<byte>.Shared.Rent(XetChunkHeader.MaxCompressedLength);
    private byte[] _scratch = ArrayPool<byte>.Shared.Rent(XetChunkHeader.MaxUncompressedLength);
    private readonly FrameOutput _frameOutput = new();

    public XetChunkDecoder(Uri? source) => _source = source;

    private XetChunkHeader _header;

    /// <summary>
    /// Reads the next chunk from <paramref name="stream"/> and decodes it into <paramref name="destination"/> (at least
    /// 128 KiB); returns its length. Throws <see cref="EndOfStreamException"/> when the stream ends inside a chunk and
    /// <see cref="HubProtocolException"/> for a malformed one.
    /// </summary>
    public async ValueTask<int> ReadChunkAsync(Stream stream, Memory<byte> destination, CancellationToken cancellationToken)
    {
        await ReadAsync(stream, cancellationToken).ConfigureAwait(false);
        return DecodeRead(destination.Span);
    }

    /// <summary>
    /// Reads the next chunk's header and payload from <paramref name="stream"/> without decoding it (the network part of
    /// <see cref="ReadChunkAsync"/>; <see cref="DecodeRead"/> is the CPU part).
    /// </summary>
    public async ValueTask ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        await stream.ReadExactlyAsync(_payload.AsMemory(0, XetChunkHeader.Size), cancellationToken).ConfigureAwait(false);
        _header = XetChunkHeader.Read(_payload, _source);
        await stream.ReadExactlyAsync(_payload.AsMemory(0, _header.CompressedLength), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Decodes the chunk <see cref="ReadAsync"/> read into <paramref name="destination"/>; returns its length.</summary>
    public int DecodeRead(Span<byte> destination) => Decode(_header, _payload.AsSpan(0, _header.CompressedLength), destination);

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
        if (TryDecodeIndependentBlocks(frame, destination)) return;
        // Decoded from the span into a pooled buffer (no stream objects per chunk); K4os checks the frame's own
        // checksums and content size. Any decoding failure is a malformed chunk.
        _frameOutput.Reset();
        try
        {
            LZ4Frame.Decode(frame, _frameOutput);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException or InvalidOperationException or NotSupportedException or NotImplementedException)
        {
            throw new HubProtocolException($"Xorb chunk is not a valid LZ4 frame: {e.Message}", _source, e);
        }
        if (_frameOutput.Written != destination.Length)
        {
            throw new HubProtocolException($"Xorb chunk decodes to {(_frameOutput.Written > destination.Length ? "more than " + destination.Length : _frameOutput.Written)} bytes, its header says {destination.Length}.", _source);
        }
        _frameOutput.WrittenSpan.CopyTo(destination);
    }

    /// <summary>
    /// Decodes a frame of independent blocks without block checksums (what xet-core writes: lz4_flex's default frame) with
    /// the library's block decoder straight into <paramref name="destination"/>; false for any other frame, which
    /// <c>LZ4Frame.Decode</c> then reads. K4os's frame reader hashes every decoded byte with XXH32
    /// even when the frame carries no content checksum and copies each block out of its own buffer; for xet-core's frames
    /// that was a third of the decoding time. Layout: the LZ4 frame format spec (lz4/lz4 <c>doc/lz4_Frame_format.md</c>).
    /// </summary>
    private bool TryDecodeIndependentBlocks(ReadOnlySpan<byte> frame, Span<byte> destination)
    {
        const uint Magic = 0x184D2204;
        const int FlagsOffset = 4;
        if (frame.Length < 7 || BinaryPrimitives.ReadUInt32LittleEndian(frame) != Magic) return false;
        byte flags = frame[FlagsOffset];
        byte blockDescriptor = frame[FlagsOffset + 1];
        bool version1 = (flags & 0xC0) == 0x40;
        bool independent = (flags & 0x20) != 0;
        bool blockChecksums = (flags & 0x10) != 0;
        bool hasContentSize = (flags & 0x08) != 0;
        bool contentChecksum = (flags & 0x04) != 0;
        bool reserved = (flags & 0x02) != 0 || (blockDescriptor & 0x8F) != 0;
        // Xet never uses dictionaries, and K4os would answer one with NotImplementedException.
        if ((flags & 0x01) != 0) throw Malformed("it asks for a dictionary");
        if (!version1 || !independent || blockChecksums || reserved) return false;
        int maxBlock = ((blockDescriptor >> 4) & 0x07) switch { 4 => 64 * 1024, 5 => 256 * 1024, 6 => 1024 * 1024, 7 => 4 * 1024 * 1024, _ => 0 };
        if (maxBlock == 0) return false;

        int position = FlagsOffset + 2;
        long? contentSize = null;
        if (hasContentSize)
        {
            if (frame.Length < position + 9) throw Malformed("its descriptor is cut short");
            contentSize = BinaryPrimitives.ReadInt64LittleEndian(frame[position..]);
            position += 8;
        }
        if (frame[position] != (byte)(XxHash32.HashToUInt32(frame[FlagsOffset..position]) >> 8)) throw Malformed("its header checksum is wrong");
        position++;

        int written = 0;
        while (true)
        {
            if (frame.Length - position < 4) throw Malformed("it ends before its end mark");
            uint word = BinaryPrimitives.ReadUInt32LittleEndian(frame[position..]);
            position += 4;
            if (word == 0) break;
            int length = (int)(word & 0x7FFFFFFF);
            if (length > maxBlock || length > frame.Length - position) throw Malformed("a block is longer than the frame allows");
            ReadOnlySpan<byte> block = frame.Slice(position, length);
            position += length;
            Span<byte> target = destination[written..];
            if ((word & 0x80000000) != 0)
            {
                if (length > target.Length) throw LongerThanHeader(destination.Length);
                block.CopyTo(target);
                written += length;
            }
            else
            {
                int decoded = LZ4Codec.Decode(block, target[..Math.Min(target.Length, maxBlock)]);
                if (decoded < 0) throw Malformed($"a block does not decode within the {destination.Length} bytes its header gives");
                written += decoded;
            }
        }
        if (contentChecksum)
        {
            if (frame.Length - position < 4) throw Malformed("its content checksum is missing");
            if (BinaryPrimitives.ReadUInt32LittleEndian(frame[position..]) != XxHash32.HashToUInt32(destination[..written])) throw Malformed("its content checksum is wrong");
            position += 4;
        }
        if (position != frame.Length) throw Malformed($"{frame.Length - position} bytes follow its end");
        if (contentSize is { } size && size != written) throw Malformed($"it says {size} bytes of content and holds {written}");
        if (written != destination.Length) throw new HubProtocolException($"Xorb chunk decodes to {written} bytes, its header says {destination.Length}.", _source);
        return true;
    }

    private HubProtocolException Malformed(string why) => new($"Xorb chunk is not a valid LZ4 frame: {why}.", _source);

    private HubProtocolException LongerThanHeader(int length) => new($"Xorb chunk decodes to more than {length} bytes, its header says {length}.", _source);

    /// <summary>
    /// Where LZ4 frames decode to: a pooled buffer that grows on demand up to the largest LZ4 block (4 MiB) past a chunk's
    /// maximum, so that a frame decoding to more than its header says is caught rather than written anywhere.
    /// </summary>
    private sealed class FrameOutput : IBufferWriter<byte>, IDisposable
    {
        private const int Limit = XetChunkHeader.MaxUncompressedLength + 4 * 1024 * 1024;
        private byte[] _buffer = ArrayPool<byte>.Shared.Rent(XetChunkHeader.MaxUncompressedLength);

        public int Written { get; private set; }

        public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, Written);

        public void Reset() => Written = 0;

        public void Advance(int count) => Written += count;

        public Memory<byte> GetMemory(int sizeHint = 0) => Ensure(sizeHint).AsMemory(Written);

        public Span<byte> GetSpan(int sizeHint = 0) => Ensure(sizeHint).AsSpan(Written);

        private byte[] Ensure(int sizeHint)
        {
            int needed = Written + Math.Max(sizeHint, 1);
            if (needed <= _buffer.Length) return _buffer;
            if (needed > Limit) throw new InvalidDataException("The frame decodes to more than a chunk can hold.");
            byte[] larger = ArrayPool<byte>.Shared.Rent(needed);
            _buffer.AsSpan(0, Written).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            return _buffer = larger;
        }

        public void Dispose()
        {
            if (_buffer.Length > 0) ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    public void Dispose()
    {
        if (_payload.Length > 0) ArrayPool<byte>.Shared.Return(_payload);
        if (_scratch.Length > 0) ArrayPool<byte>.Shared.Return(_scratch);
        _payload = [];
        _scratch = [];
        _frameOutput.Dispose();
    }
}
