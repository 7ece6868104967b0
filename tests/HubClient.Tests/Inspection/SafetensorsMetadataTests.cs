using System.Text;

namespace HubClient.Tests.Inspection;

public sealed class SafetensorsMetadataTests : IAsyncLifetime
{
    private const string Repo = "acme/checkpoint";
    private readonly HubFixture _f = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _f.DisposeAsync();

    [Fact]
    public async Task Single_file_gives_tensors_metadata_and_parameter_counts_with_one_range_request()
    {
        byte[] file = new SafetensorsWriter()
            .Metadata("format", "pt")
            .Tensor("embed.weight", "F16", 1000, 64)
            .Tensor("norm.weight", "F32", 64)
            .Tensor("step", "I64")
            .Build();
        _f.Hub.AddRepo(Repo).Commit(c => c.AddLfs("model.safetensors", file).Add("config.json", "{}"));

        SafetensorsRepoMetadata meta = await _f.Api.GetSafetensorsMetadataAsync(Repo);

        Assert.False(meta.IsSharded);
        Assert.Null(meta.Metadata);
        SafetensorsFileMetadata single = Assert.Single(meta.Files).Value;
        Assert.Equal("pt", single.Metadata["format"]);
        Assert.Equal(["embed.weight", "norm.weight", "step"], single.Tensors.Keys);
        SafetensorsTensorInfo embed = single.Tensors["embed.weight"];
        Assert.Equal("F16", embed.Dtype);
        Assert.Equal([1000L, 64L], embed.Shape);
        Assert.Equal((0L, 128_000L), (embed.DataStart, embed.DataEnd));
        Assert.Equal((128_000L, 128_256L), (single.Tensors["norm.weight"].DataStart, single.Tensors["norm.weight"].DataEnd));
        Assert.Empty(single.Tensors["step"].Shape);
        Assert.Equal(1, single.Tensors["step"].ParameterCount);
        Assert.Equal(new Dictionary<string, long> { ["F16"] = 64_000, ["F32"] = 64, ["I64"] = 1 }, meta.ParameterCount);
        Assert.All(meta.WeightMap.Values, v => Assert.Equal("model.safetensors", v));

        FakeHubRequest[] gets = _f.Hub.Requests.Where(r => r.Method == "GET").ToArray();
        FakeHubRequest range = Assert.Single(gets);
        Assert.Equal("bytes=0-100000", range.Range);
        Assert.Equal(206, range.StatusCode);
    }

    [Fact]
    public async Task Four_shard_checkpoint_reads_the_index_and_two_requests_per_shard_under_a_thousandth_of_the_bytes()
    {
        const long shardData = 100L * 1024 * 1024;
        var weightMap = new StringBuilder();
        var shards = new Dictionary<string, byte[]>();
        for (int s = 1; s <= 4; s++)
        {
            string name = $"model-{s:00000}-of-00004.safetensors";
            var writer = new SafetensorsWriter();
            for (int layer = 0; layer < 8; layer++)
            {
                writer.Tensor($"layers.{s}.{layer}.weight", s == 4 ? "F32" : "BF16", 256, 128);
                weightMap.Append(System.Globalization.CultureInfo.InvariantCulture, $"\"layers.{s}.{layer}.weight\": \"{name}\",");
            }
            shards[name] = writer.Metadata("format", "pt").Build(extraData: shardData);
        }
        string index = $"{{\"metadata\": {{\"total_size\": {4 * shardData}}}, \"weight_map\": {{{weightMap.ToString().TrimEnd(',')}}}}}";
        _f.Hub.AddRepo(Repo).Commit(c =>
        {
            c.Add("model.safetensors.index.json", index);
            foreach ((string name, byte[] content) in shards) c.AddLfs(name, content);
        });

        SafetensorsRepoMetadata meta = await _f.Api.GetSafetensorsMetadataAsync(Repo);

        Assert.True(meta.IsSharded);
        Assert.Equal((4 * shardData).ToString(System.Globalization.CultureInfo.InvariantCulture), meta.Metadata!["total_size"]);
        Assert.Equal(shards.Keys.Order(), meta.Files.Keys.Order());
        Assert.Equal(32, meta.WeightMap.Count);
        Assert.Equal("model-00002-of-00004.safetensors", meta.WeightMap["layers.2.5.weight"]);
        Assert.Equal(new Dictionary<string, long> { ["BF16"] = 3 * 8 * 256 * 128, ["F32"] = 8 * 256 * 128 }, meta.ParameterCount);

        FakeHubRequest[] log = _f.Hub.Requests.ToArray();
        foreach (string shard in shards.Keys)
        {
            FakeHubRequest[] forShard = log.Where(r => r.Path.EndsWith("/" + shard, StringComparison.Ordinal)).ToArray(); // resolve URL and CDN path both end with it
            Assert.InRange(forShard.Length, 1, 2);
        }
        FakeHubRequest[] indexRequests = log.Where(r => r.Path.EndsWith("/model.safetensors.index.json", StringComparison.Ordinal)).ToArray();
        Assert.InRange(indexRequests.Length, 1, 2);
        long checkpointBytes = shards.Values.Sum(s => s.LongLength);
        long shardBytesRead = log.Where(r => r.IsCdn).Sum(r => r.BytesSent);
        Assert.True(shardBytesRead * 1000 < checkpointBytes, $"read {shardBytesRead} of {checkpointBytes} bytes");
        int expected = 1 /* HEAD model.safetensors (404) */ + indexRequests.Length + 4 * 2;
        Assert.Equal(expected, log.Length);
    }

    [Fact]
    public async Task Header_longer_than_the_first_read_takes_exactly_a_second_range()
    {
        var writer = new SafetensorsWriter();
        for (int i = 0; i < 2000; i++) writer.Tensor($"model.layers.{i}.self_attn.q_proj.weight", "BF16", 4, 4);
        byte[] file = writer.Build();
        long headerLength = BitConverter.ToInt64(file, 0);
        Assert.True(headerLength > 100_000);
        _f.Hub.AddRepo(Repo).Commit(c => c.AddLfs("model.safetensors", file));

        SafetensorsRepoMetadata meta = await _f.Api.GetSafetensorsMetadataAsync(Repo);

        Assert.Equal(2000, meta.Files["model.safetensors"].Tensors.Count);
        Assert.Equal(["bytes=0-100000", $"bytes=100001-{8 + headerLength - 1}"], _f.Hub.Requests.Where(r => r.Method == "GET").Select(r => r.Range));
    }

    [Fact]
    public async Task Repo_without_safetensors_throws_NotASafetensorsRepo()
    {
        _f.Hub.AddRepo(Repo).Commit(c => c.Add("pytorch_model.bin", "x"));

        var e = await Assert.ThrowsAsync<NotASafetensorsRepoException>(() => _f.Api.GetSafetensorsMetadataAsync(Repo));
        Assert.Equal(Repo, e.RepoId);
        Assert.Contains("model.safetensors.index.json", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_repo_is_RepositoryNotFound_not_NotASafetensorsRepo()
    {
        await Assert.ThrowsAsync<RepositoryNotFoundException>(() => _f.Api.GetSafetensorsMetadataAsync("acme/nothing-here"));
    }

    public static TheoryData<string, byte[], string> BadHeaders => new()
    {
        { "declares more bytes than the file has", SafetensorsWriter.Raw(5000, "{}      "), "declares 5000 bytes" },
        { "declares fewer bytes than its JSON", SafetensorsWriter.Raw(10, "{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}}", data: 4), "not valid JSON" },
        { "data offsets past the end of the file", SafetensorsWriter.Raw(64, "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}".PadRight(64), data: 4), "lies about the file" },
        { "too large for the reference client", SafetensorsWriter.Raw(25_000_001, "{}      "), "25000000" },
        { "malformed JSON", SafetensorsWriter.Raw(8, "{\"a\": [ "), "not valid JSON" },
        { "JSON that is not an object", SafetensorsWriter.Raw(8, "[1, 2]  "), "not an object" },
        { "tensor without dtype", SafetensorsWriter.Raw(48, "{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}".PadRight(48), data: 4), "no dtype" },
        { "negative shape", SafetensorsWriter.Raw(56, "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}".PadRight(56), data: 4), "non-negative" },
        { "shorter than the length prefix", [1, 0, 0], "fewer than the 8-byte" },
    };

    [Theory]
    [MemberData(nameof(BadHeaders))]
    public async Task Bad_header_is_a_HubFileFormatException(string why, byte[] file, string message)
    {
        _f.Hub.AddRepo(Repo).Commit(c => c.AddLfs("model.safetensors", file));

        var e = await Assert.ThrowsAsync<HubFileFormatException>(() => _f.Api.GetSafetensorsMetadataAsync(Repo));

        Assert.True(e.Message.Contains(message, StringComparison.Ordinal), $"{why}: {e.Message}");
        Assert.Equal("model.safetensors", e.Path);
        Assert.False(Directory.Exists(_f.RepoDir("models--acme--checkpoint")), "nothing is written to the cache");
    }

    [Fact]
    public async Task Index_naming_a_traversal_path_is_rejected()
    {
        _f.Hub.AddRepo(Repo).Commit(c => c.Add("model.safetensors.index.json", "{\"weight_map\": {\"a\": \"../../etc/passwd\"}}"));

        var e = await Assert.ThrowsAsync<HubFileFormatException>(() => _f.Api.GetSafetensorsMetadataAsync(Repo));
        Assert.Contains("not a file path", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cached_file_is_read_from_disk_after_one_HEAD()
    {
        byte[] file = new SafetensorsWriter().Tensor("w", "F32", 3, 3).Build();
        _f.Hub.AddRepo(Repo).Commit(c => c.AddLfs("model.safetensors", file));
        await _f.Api.DownloadFileAsync(Repo, "model.safetensors");
        _f.Hub.ClearRequests();

        SafetensorsRepoMetadata meta = await _f.Api.GetSafetensorsMetadataAsync(Repo);

        Assert.Equal(9, meta.ParameterCount["F32"]);
        Assert.Equal("HEAD", Assert.Single(_f.Hub.Requests).Method);
    }

    [Fact]
    public async Task Header_whose_parameter_counts_overflow_together_is_a_format_error()
    {
        // Each tensor's element count fits a long (2^62) and its data offsets lie in the file; their sum does not. (A dtype
        // the format does not name: a known one would be refused first, its bytes not holding its elements.)
        const string Json = "{\"a\":{\"dtype\":\"X9\",\"shape\":[4611686018427387904],\"data_offsets\":[0,0]},"
                          + "\"b\":{\"dtype\":\"X9\",\"shape\":[4611686018427387904],\"data_offsets\":[0,0]}}";
        _f.Hub.AddRepo(Repo).Commit(c => c.AddLfs("model.safetensors", SafetensorsWriter.Raw((ulong)Encoding.UTF8.GetByteCount(Json), Json)));

        HubFileFormatException e = await Assert.ThrowsAsync<HubFileFormatException>(() => _f.Api.GetSafetensorsFileMetadataAsync(Repo, "model.safetensors"));

        Assert.Equal("model.safetensors", e.Path);
        Assert.Contains("64-bit", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shards_whose_parameter_counts_overflow_together_are_a_format_error()
    {
        static byte[] Shard(string name)
        {
            string json = $"{{\"{name}\":{{\"dtype\":\"X9\",\"shape\":[6917529027641081856],\"data_offsets\":[0,0]}}}}";
            return SafetensorsWriter.Raw((ulong)Encoding.UTF8.GetByteCount(json), json);
        }
        const string Index = "{\"weight_map\":{\"a\":\"m-1.safetensors\",\"b\":\"m-2.safetensors\"}}";
        _f.Hub.AddRepo(Repo).Commit(c => c.Add("model.safetensors.index.json", Index).AddLfs("m-1.safetensors", Shard("a")).AddLfs("m-2.safetensors", Shard("b")));

        HubFileFormatException e = await Assert.ThrowsAsync<HubFileFormatException>(() => _f.Api.GetSafetensorsMetadataAsync(Repo));

        Assert.Equal("model.safetensors.index.json", e.Path);
    }
}
