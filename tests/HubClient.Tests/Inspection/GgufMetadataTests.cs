namespace HubClient.Tests.Inspection;

public sealed class GgufMetadataTests : IAsyncLifetime
{
    private const string Repo = "acme/gguf";
    private readonly HubFixture _f = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _f.DisposeAsync();

    private Task<GgufMetadata> ReadAsync(byte[] file, string path = "model.gguf")
    {
        _f.Hub.AddRepo(Repo).Commit(c => c.AddLfs(path, file));
        return _f.Api.GetGgufMetadataAsync(Repo, path);
    }

    [Fact]
    public async Task Llama_file_gives_convenience_properties_and_tensor_infos()
    {
        GgufMetadata gguf = await ReadAsync(GgufSamples.Llama(version: 3, vocabulary: 200));

        Assert.Equal(3u, gguf.Version);
        Assert.Equal("llama", gguf.Architecture);
        Assert.Equal("Llama 3B", gguf.Name);
        Assert.Equal(4096UL, gguf.ContextLength);
        Assert.Equal(15u, gguf.FileType);
        Assert.Equal("Q4_K_M", gguf.Quantization);
        Assert.Equal(8, gguf.Tensors.Count);
        GgufTensorInfo embedding = gguf.Tensors[0];
        Assert.Equal("token_embd.weight", embedding.Name);
        Assert.Equal([64UL, 200UL], embedding.Shape);
        Assert.Equal(GgmlType.Q4_K, embedding.Type);
        Assert.Equal(0UL, embedding.Offset);
        Assert.Equal(256UL, gguf.Tensors[1].Offset); // 256 data bytes, already aligned to 32
        Assert.Equal(GgmlType.F32, gguf.Tensors[2].Type);
        // 64*200 + 2 * (64*64 + 64 + 64*256) + 64
        Assert.Equal(12_800UL + 2 * (4096 + 64 + 16_384) + 64, gguf.ParameterCount);
        Assert.Equal(0, gguf.DataOffset % 32);
        string[] tokens = Assert.IsType<string[]>(gguf.Metadata["tokenizer.ggml.tokens"].Value);
        Assert.Equal("tok_199_▁", tokens[^1]);
        Assert.Equal(GgufValueType.String, gguf.Metadata["tokenizer.ggml.tokens"].ArrayElementType);
    }

    [Fact]
    public async Task Every_value_type_is_read_with_its_type()
    {
        GgufMetadata gguf = await ReadAsync(GgufSamples.EveryType());
        IReadOnlyDictionary<string, GgufMetadataValue> m = gguf.Metadata;

        Assert.Equal((GgufValueType.UInt8, (object)byte.MaxValue), (m["test.u8"].Type, m["test.u8"].Value));
        Assert.Equal((GgufValueType.Int8, (object)sbyte.MinValue), (m["test.i8"].Type, m["test.i8"].Value));
        Assert.Equal((GgufValueType.UInt16, (object)ushort.MaxValue), (m["test.u16"].Type, m["test.u16"].Value));
        Assert.Equal((GgufValueType.Int16, (object)short.MinValue), (m["test.i16"].Type, m["test.i16"].Value));
        Assert.Equal((GgufValueType.UInt32, (object)uint.MaxValue), (m["test.u32"].Type, m["test.u32"].Value));
        Assert.Equal((GgufValueType.Int32, (object)int.MinValue), (m["test.i32"].Type, m["test.i32"].Value));
        Assert.Equal((GgufValueType.Float32, (object)(-0.1f)), (m["test.f32"].Type, m["test.f32"].Value));
        Assert.Equal(true, m["test.bool_true"].Value);
        Assert.Equal(false, m["test.bool_false"].Value);
        Assert.Equal("héllo ✓ 世界 🙂", m["test.string_unicode"].Value);
        Assert.Equal("", m["test.string_empty"].Value);
        Assert.Equal(ulong.MaxValue, m["test.u64"].Value);
        Assert.Equal(long.MinValue, m["test.i64"].Value);
        Assert.Equal(Math.PI, m["test.f64"].Value);
        Assert.Equal(new byte[] { 0, 255 }, m["test.array_u8"].Value);
        Assert.Equal(new short[] { -1, 32767 }, m["test.array_i16"].Value);
        Assert.Equal(new ulong[] { 0, 9007199254740993 }, m["test.array_u64"].Value);
        Assert.Equal(new[] { 1.5, -2.25e-300 }, m["test.array_f64"].Value);
        Assert.Equal(new[] { true, false, true }, m["test.array_bool"].Value);
        Assert.Empty(Assert.IsType<int[]>(m["test.array_empty"].Value));
        GgufMetadataValue[] nested = Assert.IsType<GgufMetadataValue[]>(m["test.array_of_arrays"].Value);
        Assert.Equal(GgufValueType.Array, m["test.array_of_arrays"].ArrayElementType);
        Assert.Equal(new[] { "a", "bc" }, nested[0].Value);
        Assert.Empty(Assert.IsType<string[]>(nested[1].Value));
        Assert.Equal(new[] { -5L, long.MaxValue }, Assert.IsType<GgufMetadataValue[]>(m["test.array_of_int_arrays"].Value)[0].Value);
        Assert.Equal("BF16", gguf.Quantization);
    }

    [Fact]
    public async Task Version_2_with_custom_alignment_is_read()
    {
        GgufMetadata gguf = await ReadAsync(GgufSamples.Phi3());

        Assert.Equal(2u, gguf.Version);
        Assert.Equal(64u, gguf.Alignment);
        Assert.Equal(0, gguf.DataOffset % 64);
        Assert.Equal(131072UL, gguf.ContextLength);
        Assert.Equal("F32", gguf.Quantization);
    }

    [Fact]
    public async Task Large_header_grows_its_reads_and_reads_only_the_header()
    {
        byte[] file = GgufSamples.Qwen2(vocabulary: 150_000);
        GgufMetadata gguf = await ReadAsync(file);

        Assert.Equal("qwen2", gguf.Architecture);
        Assert.Equal(150_000, ((string[])gguf.Metadata["tokenizer.ggml.tokens"].Value).Length);
        Assert.True(gguf.HeaderSize > 4 * GgufReader.InitialReadSize, $"header {gguf.HeaderSize}");
        FakeHubRequest[] gets = _f.Hub.Requests.Where(r => r.Method == "GET").ToArray();
        Assert.InRange(gets.Length, 2, 4);
        Assert.All(gets, r => Assert.Equal(206, r.StatusCode));
        Assert.True(gets.Sum(r => r.BytesSent) < 2 * gguf.HeaderSize, "no more than twice the header is read");
    }

    [Fact]
    public async Task Cached_gguf_is_read_from_disk()
    {
        _f.Hub.AddRepo(Repo).Commit(c => c.AddLfs("m.gguf", GgufSamples.Llama(3, 10)));
        await _f.Api.DownloadFileAsync(Repo, "m.gguf");
        _f.Hub.ClearRequests();

        GgufMetadata gguf = await _f.Api.GetGgufMetadataAsync(Repo, "m.gguf");

        Assert.Equal("llama", gguf.Architecture);
        Assert.Equal("HEAD", Assert.Single(_f.Hub.Requests).Method);
    }

    public static TheoryData<string, byte[], string> Hostile()
    {
        byte[] good = GgufSamples.Llama(3, 10);
        byte[] badMagic = (byte[])good.Clone();
        badMagic[0] = (byte)'X';
        byte[] v1 = (byte[])good.Clone();
        v1[4] = 1;
        byte[] v4 = (byte[])good.Clone();
        v4[4] = 4;
        byte[] bigEndian = (byte[])good.Clone();
        bigEndian[4] = 0;
        bigEndian[7] = 3;
        byte[] hugeTensorCount = (byte[])good.Clone();
        GgufWriter.Patch(hugeTensorCount, 8, ulong.MaxValue / 2);
        byte[] hugeKvCount = (byte[])good.Clone();
        GgufWriter.Patch(hugeKvCount, 16, 1UL << 40);
        byte[] hugeKeyLength = (byte[])good.Clone();
        GgufWriter.Patch(hugeKeyLength, 24, 1UL << 50);
        byte[] hugeArray = new GgufWriter().Add("a", GgufValueType.Array, new GgufArray(GgufValueType.UInt64, [1UL])).Build();
        GgufWriter.Patch(hugeArray, 24 + 8 + 1 + 4 + 4, 1UL << 59); // key length, "a", type, element type, then the count
        byte[] unknownType = new GgufWriter().Add("a", GgufValueType.UInt8, (byte)1).Build();
        unknownType[24 + 8 + 1] = 99;
        byte[] deepArray = new GgufWriter().Add("a", GgufValueType.Array, Nest(12)).Build();
        byte[] cutValue = new GgufWriter().Add("a", GgufValueType.UInt64, 7UL).Build()[..41]; // 24-byte preamble + key (9) + type (4) + 4 of the value's 8 bytes
        byte[] tooManyDims = new GgufWriter().Tensor("t", [1, 1, 1, 1, 1], GgmlType.F32).Build();
        return new()
        {
            { "bad magic", badMagic, "magic" },
            { "version 1", v1, "v1" },
            { "version 4", v4, "version 4" },
            { "big-endian", bigEndian, "big-endian" },
            { "truncated header", cutValue, "truncated" },
            { "header cut short", good[..200], "cannot fit" },
            { "tensor count larger than the file", hugeTensorCount, "tensor count" },
            { "metadata count larger than the file", hugeKvCount, "metadata count" },
            { "string longer than the file", hugeKeyLength, "claims" },
            { "array longer than the file", hugeArray, "array length" },
            { "unknown value type", unknownType, "unknown value type 99" },
            { "arrays nested too deep", deepArray, "nest deeper" },
            { "five dimensions", tooManyDims, "dimensions" },
            { "empty file", [], "magic" },
        };
    }

    private static GgufArray Nest(int depth) =>
        depth == 0 ? new GgufArray(GgufValueType.UInt8, [(byte)1]) : new GgufArray(GgufValueType.Array, [Nest(depth - 1)]);

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task Hostile_or_broken_header_is_a_HubFileFormatException(string why, byte[] file, string message)
    {
        var e = await Assert.ThrowsAsync<HubFileFormatException>(() => ReadAsync(file));

        Assert.True(e.Message.Contains(message, StringComparison.Ordinal), $"{why}: {e.Message}");
        Assert.Equal("model.gguf", e.Path);
    }

    [Fact]
    public async Task Missing_file_is_EntryNotFound()
    {
        _f.Hub.AddRepo(Repo).Commit(c => c.Add("README.md", "x"));

        await Assert.ThrowsAsync<EntryNotFoundException>(() => _f.Api.GetGgufMetadataAsync(Repo, "model.gguf"));
    }

    [Fact]
    public async Task Tensor_shape_whose_element_count_overflows_is_a_format_error_not_a_wrapped_count()
    {
        byte[] file = new GgufWriter().Tensor("t", [1UL << 32, 1UL << 32], GgmlType.F32).Build();

        HubFileFormatException e = await Assert.ThrowsAsync<HubFileFormatException>(() => ReadAsync(file));

        Assert.Contains("64-bit", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tensors_whose_total_element_count_overflows_are_a_format_error()
    {
        byte[] file = new GgufWriter().Tensor("a", [1UL << 63], GgmlType.F32).Tensor("b", [1UL << 63], GgmlType.F32).Build();

        await Assert.ThrowsAsync<HubFileFormatException>(() => ReadAsync(file));
    }

    [Fact]
    public async Task An_empty_tensor_with_huge_other_dimensions_counts_zero_elements()
    {
        GgufMetadata gguf = await ReadAsync(new GgufWriter().Tensor("empty", [1UL << 40, 1UL << 40, 0], GgmlType.F32).Build());

        Assert.Equal(0UL, gguf.Tensors[0].ElementCount);
        Assert.Equal(0UL, gguf.ParameterCount);
    }
}
