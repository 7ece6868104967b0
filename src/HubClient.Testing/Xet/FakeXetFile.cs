using HubClient.Xet;
using K4os.Compression.LZ4.Streams;

namespace HubClient.Testing;

/// <summary>
/// How the fake CAS serves one Xet-backed file (built by <see cref="FakeXetStore"/>): the reconstruction terms and the
/// xorbs they reference. Xorb chunks rotate through the three compression schemes (none, LZ4 frame, byte grouping 4 +
/// LZ4 frame).
/// </summary>
internal sealed class FakeXetFile(IReadOnlyList<FakeXorb> xorbs, IReadOnlyList<FakeXetTerm> terms)
{
    public IReadOnlyList<FakeXorb> Xorbs { get; } = xorbs;

    public IReadOnlyList<FakeXetTerm> Terms { get; } = terms;
}

/// <summary>A term: chunks [ChunkStart, ChunkEnd) of a xorb, bytes [FileOffset, FileOffset + Length) of the file.</summary>
internal sealed record FakeXetTerm(FakeXorb Xorb, int ChunkStart, int ChunkEnd, long FileOffset, long Length)
{
    public long ByteStart => Xorb.ChunkOffsets[ChunkStart];

    /// <summary>Inclusive, as the CAS writes byte ranges.</summary>
    public long ByteEnd => Xorb.ChunkOffsets[ChunkEnd] - 1;
}

/// <summary>A xorb: its hash and serialized chunks (8-byte header + payload each), with each chunk's byte offset.</summary>
internal sealed class FakeXorb
{
    private FakeXorb(string hash, byte[] bytes, long[] chunkOffsets)
    {
        Hash = hash;
        Bytes = bytes;
        ChunkOffsets = chunkOffsets;
    }

    public string Hash { get; }

    public byte[] Bytes { get; }

    /// <summary>Byte offset of each chunk, plus the total length at the end.</summary>
    public long[] ChunkOffsets { get; }

    /// <summary>
    /// xet-core's LZ4 frame settings: 64 KiB independent blocks, no checksums, no content size (the decoder bundled in
    /// <c>@huggingface/hub</c> misreads frames with block checksums).
    /// </summary>
    public static LZ4EncoderSettings FrameSettings => new()
    {
        BlockSize = 64 * 1024,
        ChainBlocks = false,
        BlockChecksum = false,
        ContentChecksum = false,
    };

    public static FakeXorb Build(byte[] content, IReadOnlyList<(int Offset, int Length)> chunks, int firstIndex)
    {
        using var output = new MemoryStream();
        var offsets = new long[chunks.Count + 1];
        var hashes = new List<XetChunkHash>(chunks.Count);
        Span<byte> header = stackalloc byte[XetChunkHeader.Size];
        for (int i = 0; i < chunks.Count; i++)
        {
            ReadOnlySpan<byte> data = content.AsSpan(chunks[i].Offset, chunks[i].Length);
            hashes.Add(new XetChunkHash(XetHasher.ChunkHash(data), data.Length));
            offsets[i] = output.Position;
            var scheme = (XetCompressionScheme)((firstIndex + i) % 3);
            byte[] payload = Encode(data, scheme, FrameSettings);
            new XetChunkHeader(payload.Length, scheme, data.Length).Write(header);
            output.Write(header);
            output.Write(payload);
        }
        offsets[chunks.Count] = output.Position;
        return new FakeXorb(XetHasher.XorbHash(hashes).ToString(), output.ToArray(), offsets);
    }

    /// <summary>A chunk's payload in <paramref name="scheme"/>, LZ4 frames written with <paramref name="frame"/>.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> data, XetCompressionScheme scheme, LZ4EncoderSettings frame)
    {
        if (scheme == XetCompressionScheme.None) return data.ToArray();
        byte[] input = data.ToArray();
        if (scheme == XetCompressionScheme.ByteGrouping4Lz4)
        {
            input = new byte[data.Length];
            ByteGrouping4.Group(data, input);
        }
        using var compressed = new MemoryStream();
        using (LZ4EncoderStream encoder = LZ4Stream.Encode(compressed, frame, leaveOpen: true)) encoder.Write(input);
        return compressed.ToArray();
    }
}
