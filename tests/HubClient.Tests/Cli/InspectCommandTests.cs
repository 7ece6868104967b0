using System.Text.Json;
using HubClient.Tests.Inspection;

namespace HubClient.Tests.Cli;

public sealed class InspectCommandTests : IAsyncLifetime
{
    private const string Repo = "acme/inspectable";
    private readonly HubFixture _f = new();

    public Task InitializeAsync()
    {
        var shard1 = new SafetensorsWriter().Tensor("a", "BF16", 10, 10).Tensor("b", "F32", 5).Build();
        var shard2 = new SafetensorsWriter().Tensor("c", "BF16", 3).Build();
        _f.Hub.AddRepo(Repo).Commit(c => c
            .Add("model.safetensors.index.json", "{\"metadata\": {\"total_size\": 1}, \"weight_map\": {\"a\": \"s1.safetensors\", \"b\": \"s1.safetensors\", \"c\": \"s2.safetensors\"}}")
            .AddLfs("s1.safetensors", shard1)
            .AddLfs("s2.safetensors", shard2)
            .AddLfs("llama.gguf", GgufSamples.Llama(3, 20)));
        _f.Hub.AddTinyModel(weightsBytes: 10_000);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    private Task<CliResult> Run(params string[] args) => CliRunner.RunAsync(_f, [.. args, "--cache-dir", _f.CacheDirectory]);

    [Fact]
    public async Task Safetensors_checkpoint_prints_tensors_parameters_by_dtype_and_shards()
    {
        CliResult run = await Run("inspect", Repo);

        Assert.Equal(0, run.Code);
        Assert.Contains("safetensors (2 shards)", run.Out, StringComparison.Ordinal);
        Assert.Contains(run.OutLines, l => l == "tensors:     3");
        Assert.Contains(run.OutLines, l => l == "parameters:  108");
        Assert.Contains(run.OutLines, l => l.StartsWith("BF16", StringComparison.Ordinal) && l.EndsWith(" 103", StringComparison.Ordinal));
        Assert.Contains(run.OutLines, l => l == "s1.safetensors  2 tensors, 105 parameters");
        Assert.Contains(run.OutLines, l => l == "s2.safetensors  1 tensor, 3 parameters");
    }

    [Fact]
    public async Task The_demo_model_can_be_inspected()
    {
        CliResult run = await Run("inspect", DemoRepos.TinyModel);

        Assert.Equal(0, run.Code);
        Assert.Equal("format:      safetensors", run.OutLines[0]);
        Assert.Contains(run.OutLines, l => l == "tensors:     2");
        Assert.Contains(run.OutLines, l => l.StartsWith("F32", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Safetensors_json_has_the_tensors()
    {
        CliResult run = await Run("inspect", Repo, "--json");

        using var json = JsonDocument.Parse(run.Out);
        Assert.True(json.RootElement.GetProperty("sharded").GetBoolean());
        Assert.Equal(103, json.RootElement.GetProperty("parameter_count").GetProperty("BF16").GetInt64());
        Assert.Equal("F32", json.RootElement.GetProperty("files").GetProperty("s1.safetensors").GetProperty("tensors").GetProperty("b").GetProperty("dtype").GetString());
    }

    [Fact]
    public async Task Gguf_prints_architecture_quantization_context_and_tensor_count()
    {
        CliResult run = await Run("inspect", Repo, "llama.gguf");

        Assert.Equal(0, run.Code);
        Assert.Contains(run.OutLines, l => l == "architecture:   llama");
        Assert.Contains(run.OutLines, l => l == "quantization:   Q4_K_M");
        Assert.Contains(run.OutLines, l => l == "context length: 4,096");
        Assert.Contains(run.OutLines, l => l == "tensors:        8");
    }

    [Fact]
    public async Task Gguf_json_has_typed_metadata_and_tensor_infos()
    {
        CliResult run = await Run("inspect", Repo, "llama.gguf", "--json");

        using var json = JsonDocument.Parse(run.Out);
        JsonElement arch = json.RootElement.GetProperty("metadata").GetProperty("general.architecture");
        Assert.Equal((int)GgufValueType.String, arch.GetProperty("type").GetInt32());
        Assert.Equal("llama", arch.GetProperty("value").GetString());
        Assert.Equal((int)GgufValueType.String, json.RootElement.GetProperty("metadata").GetProperty("tokenizer.ggml.tokens").GetProperty("sub_type").GetInt32());
        Assert.Equal(8, json.RootElement.GetProperty("tensor_infos").GetArrayLength());
    }

    [Fact]
    public async Task Download_dry_run_prints_the_plan_like_hf_and_downloads_nothing()
    {
        await _f.Api.DownloadFileAsync(Repo, "s2.safetensors");

        CliResult run = await Run("download", Repo, "--dry-run", "--include", "*.safetensors*");

        Assert.Equal(0, run.Code);
        Assert.StartsWith("[dry-run] Will download 2 files (out of 3) totalling ", run.OutLines[0], StringComparison.Ordinal);
        Assert.Contains(run.OutLines, l => l.StartsWith("s2.safetensors", StringComparison.Ordinal) && l.EndsWith('-'));
        Assert.False(File.Exists(Path.Combine(_f.CacheDirectory, "models--acme--inspectable", "blobs", _f.Hub.FindRepo(Repo)!.Head().Files["s1.safetensors"].Sha256)));
    }

    [Fact]
    public async Task Download_dry_run_json_lists_every_file()
    {
        CliResult run = await Run("download", Repo, "llama.gguf", "--dry-run", "--json");

        using var json = JsonDocument.Parse(run.Out);
        JsonElement file = Assert.Single(json.RootElement.GetProperty("files").EnumerateArray());
        Assert.Equal("llama.gguf", file.GetProperty("filename").GetString());
        Assert.True(file.GetProperty("will_download").GetBoolean());
        Assert.Equal(file.GetProperty("file_size").GetInt64(), json.RootElement.GetProperty("bytes_to_download").GetInt64());
    }

    [Fact]
    public async Task Missing_repo_is_one_error_line_and_exit_1()
    {
        CliResult run = await Run("inspect", "acme/none");

        Assert.Equal(1, run.Code);
        Assert.StartsWith("error:", run.Err, StringComparison.Ordinal);
    }
}
