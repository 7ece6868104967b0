using HubClient.Xet;
using K4os.Compression.LZ4.Streams;

namespace HubClient.Tests.Xet;

public class XetChunkDecoderTests
{
    private static byte[] Compressible(int length) => [.. Enumerable.Range(0, length).Select(i => (byte)(i / 7 % 50))];

    private static byte[] Random(int length, int seed)
    {
        byte[] data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    public static TheoryData<string> FrameOptions => ["xet-core", "block-checksums", "content-checksum", "linked-blocks", "content-size", "4MiB-blocks", "all"];

    private static LZ4EncoderSettings Settings(string name, int length) => name switch
    {
        "xet-core" => new LZ4EncoderSettings { BlockSize = 64 * 1024, ChainBlocks = false },
        "block-checksums" => new LZ4EncoderSettings { BlockSize = 64 * 1024, ChainBlocks = false, BlockChecksum = true },
        "content-checksum" => new LZ4EncoderSettings { BlockSize = 64 * 1024, ChainBlocks = false, ContentChecksum = true },
        "linked-blocks" => new LZ4EncoderSettings { BlockSize = 64 * 1024, ChainBlocks = true },
        "content-size" => new LZ4EncoderSettings { BlockSize = 64 * 1024 },
        "4MiB-blocks" => new LZ4EncoderSettings { BlockSize = 4 * 1024 * 1024 },
        _ => new LZ4EncoderSettings { BlockSize = 64 * 1024, ChainBlocks = true, BlockChecksum = true, ContentChecksum = true },
    };

    private static byte[] Chunk(XetCompressionScheme scheme, byte[] data, LZ4EncoderSettings settings, bool contentSize = false)
    {
        byte[] payload = FakeXorb.Encode(data, scheme, settings);
        if (contentSize && scheme != XetCompressionScheme.None) payload = WithContentSize(payload, data.Length);
        byte[] chunk = new byte[XetChunkHeader.Size + payload.Length];
        new XetChunkHeader(payload.Length, scheme, data.Length).Write(chunk);
        payload.CopyTo(chunk, XetChunkHeader.Size);
        return chunk;
    }

    private static async Task<byte[]> DecodeAsync(byte[] chunk)
    {
        using var decoder = new XetChunkDecoder(null);
        byte[] output = new byte[XetChunkHeader.MaxUncompressedLength];
        int n = await decoder.ReadChunkAsync(new MemoryStream(chunk), output, CancellationToken.None);
        return output[..n];
    }

    [Theory]
    [MemberData(nameof(FrameOptions))]
    public async Task Every_scheme_and_frame_option_decodes(string frame)
    {
        foreach (int length in new[] { 1, 3, 65536, 65537, 128 * 1024 })
        {
            // Random bytes make the encoder store blocks as they are (the block length's high bit), next to compressed ones.
            byte[] mixed = [.. Compressible(length / 2), .. Random(length - length / 2, seed: length)];
            foreach (byte[] data in new[] { Compressible(length), mixed })
            {
                foreach (XetCompressionScheme scheme in Enum.GetValues<XetCompressionScheme>())
                {
                    Assert.Equal(data, await DecodeAsync(Chunk(scheme, data, Settings(frame, length), contentSize: frame is "content-size" or "all")));
                }
            }
        }
    }

    /// <summary>
    /// Adds the optional content size to a frame's descriptor (K4os writes none): FLG bit 3, 8 bytes LE after BD, and the
    /// header checksum recomputed (second byte of XXH32 of the descriptor), per the LZ4 frame format spec.
    /// </summary>
    private static byte[] WithContentSize(byte[] frame, long size)
    {
        Assert.Equal(0, frame[4] & 0x08);
        byte[] descriptor = [(byte)(frame[4] | 0x08), frame[5], .. BitConverter.GetBytes(size)];
        byte checksum = (byte)(System.IO.Hashing.XxHash32.HashToUInt32(descriptor) >> 8);
        return [.. frame[..4], .. descriptor, checksum, .. frame[7..]];
    }

    [Fact]
    public void Byte_grouping_puts_bytes_by_index_mod_4()
    {
        byte[] data = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
        byte[] grouped = new byte[data.Length];
        ByteGrouping4.Group(data, grouped);
        Assert.Equal(new byte[] { 0, 4, 8, 1, 5, 9, 2, 6, 3, 7 }, grouped);
        byte[] back = new byte[data.Length];
        ByteGrouping4.Ungroup(grouped, back);
        Assert.Equal(data, back);
    }

    [Theory]
    [InlineData(new byte[] { 1, 4, 0, 0, 0, 4, 0, 0 }, "version")]
    [InlineData(new byte[] { 0, 4, 0, 0, 3, 4, 0, 0 }, "scheme")]
    [InlineData(new byte[] { 0, 4, 0, 0, 1, 1, 0, 2 }, "uncompressed")]
    [InlineData(new byte[] { 0, 0, 0, 0, 1, 4, 0, 0 }, "compressed")]
    [InlineData(new byte[] { 0, 0xFF, 0xFF, 0xFF, 1, 4, 0, 0 }, "compressed")]
    [InlineData(new byte[] { 0, 5, 0, 0, 0, 4, 0, 0 }, "compressed")]
    [InlineData(new byte[] { 0, 4, 0, 0, 1, 0, 0, 0 }, "uncompressed")]
    public async Task Hostile_headers_are_protocol_errors(byte[] header, string what)
    {
        var e = await Assert.ThrowsAsync<HubProtocolException>(() => DecodeAsync([.. header, .. new byte[16]]));
        Assert.Contains(what, e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_frame_decoding_to_another_length_than_its_header_is_refused()
    {
        byte[] data = Compressible(1000);
        byte[] chunk = Chunk(XetCompressionScheme.Lz4, data, Settings("xet-core", 1000));
        chunk[5] = 0xE9; // claims 1001 bytes
        chunk[6] = 0x03;
        await Assert.ThrowsAsync<HubProtocolException>(() => DecodeAsync(chunk));
        chunk[5] = 0xE7; // claims 999 bytes
        await Assert.ThrowsAsync<HubProtocolException>(() => DecodeAsync(chunk));
    }

    [Fact]
    public async Task Garbage_payload_is_a_protocol_error_and_truncation_is_end_of_stream()
    {
        byte[] chunk = Chunk(XetCompressionScheme.Lz4, Compressible(5000), Settings("block-checksums", 5000));
        byte[] garbage = (byte[])chunk.Clone();
        for (int i = XetChunkHeader.Size; i < garbage.Length; i++) garbage[i] ^= 0x5A;
        await Assert.ThrowsAsync<HubProtocolException>(() => DecodeAsync(garbage));
        await Assert.ThrowsAsync<EndOfStreamException>(() => DecodeAsync(chunk[..^3]));
    }

    /// <summary>
    /// xet-core's frames (independent blocks, no block checksums) take a direct path through the block decoder; each way
    /// such a frame can be broken is still a protocol error, never bytes.
    /// </summary>
    [Theory]
    [InlineData("trailing-bytes")]
    [InlineData("no-end-mark")]
    [InlineData("block-past-end")]
    [InlineData("header-checksum")]
    [InlineData("content-size")]
    [InlineData("content-checksum")]
    [InlineData("garbage-block")]
    [InlineData("stored-block-too-long")]
    public async Task Broken_xet_core_frames_are_protocol_errors(string damage)
    {
        byte[] data = Compressible(100_000);
        byte[] frame = FakeXorb.Encode(data, XetCompressionScheme.Lz4, Settings(damage == "content-checksum" ? "content-checksum" : "xet-core", data.Length));
        int headerEnd = 7;
        int firstBlock = BitConverter.ToInt32(frame, headerEnd) & 0x7FFFFFFF;
        int length = data.Length;
        switch (damage)
        {
            case "trailing-bytes": frame = [.. frame, 0]; break;
            case "no-end-mark": frame = frame[..^4]; break;
            case "block-past-end": BitConverter.GetBytes(frame.Length).CopyTo(frame, headerEnd); break;
            case "header-checksum": frame[6] ^= 0xFF; break;
            case "content-size": frame = WithContentSize(frame, data.Length + 1); break;
            case "content-checksum": frame[^1] ^= 0x01; break;
            case "garbage-block": frame[headerEnd + 4] = 0xF0; frame[headerEnd + 5] = 0xFF; frame[headerEnd + 6] = 0xFF; break;
            case "stored-block-too-long":
                // One stored block holding more bytes than the chunk header says.
                frame = [.. frame[..headerEnd], .. BitConverter.GetBytes(0x80000000u | 10), .. new byte[10], 0, 0, 0, 0];
                length = 9;
                break;
        }
        Assert.True(firstBlock > 0);
        byte[] chunk = new byte[XetChunkHeader.Size + frame.Length];
        new XetChunkHeader(frame.Length, XetCompressionScheme.Lz4, length).Write(chunk);
        frame.CopyTo(chunk, XetChunkHeader.Size);
        await Assert.ThrowsAsync<HubProtocolException>(() => DecodeAsync(chunk));
    }

    [Fact]
    public async Task A_frame_that_asks_for_a_dictionary_is_a_protocol_error()
    {
        byte[] data = Compressible(5000);
        byte[] frame = FakeXorb.Encode(data, XetCompressionScheme.Lz4, Settings("xet-core", data.Length));
        byte[] descriptor = [(byte)(frame[4] | 0x01), frame[5], 1, 2, 3, 4]; // DictID flag and a dictionary id
        byte checksum = (byte)(System.IO.Hashing.XxHash32.HashToUInt32(descriptor) >> 8);
        byte[] withDictionary = [.. frame[..4], .. descriptor, checksum, .. frame[7..]];
        byte[] chunk = new byte[XetChunkHeader.Size + withDictionary.Length];
        new XetChunkHeader(withDictionary.Length, XetCompressionScheme.Lz4, data.Length).Write(chunk);
        withDictionary.CopyTo(chunk, XetChunkHeader.Size);
        await Assert.ThrowsAsync<HubProtocolException>(() => DecodeAsync(chunk));
    }

    [Fact]
    public async Task A_corrupted_block_is_caught_by_the_block_checksum()
    {
        byte[] chunk = Chunk(XetCompressionScheme.Lz4, Compressible(5000), Settings("block-checksums", 5000));
        chunk[^10] ^= 0x01;
        await Assert.ThrowsAsync<HubProtocolException>(() => DecodeAsync(chunk));
    }
}
