using System.Buffers;
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
        // Decoded from the span into a pooled buffer (no stream objects per chunk); K4os checks the frame's own
        // checksums and content size. Any decoding failure is a malformed chunk.
        _frameOutput.Reset();
        try
        {
            LZ4Frame.Decode(frame, _frameOutput);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or ArgumentException or InvalidOperationException or NotSupportedException)
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
