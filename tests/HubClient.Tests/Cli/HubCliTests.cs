using System.Text.Json;
using HubClient.Cli;

namespace HubClient.Tests.Cli;

public sealed class HubCliTests : IAsyncLifetime
{
    private readonly HubFixture _f = new();

    public Task InitializeAsync()
    {
        _f.Hub.AddTinyModel(weightsBytes: 100_000);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    private async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await HubCommandLine.RunAsync([.. args, "--endpoint", _f.Hub.Endpoint], output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Download_prints_the_path_of_the_verified_file()
    {
        var (code, output, _) = await Run("download", DemoRepos.TinyModel, "config.json", "--cache-dir", _f.CacheDirectory, "--quiet");

        Assert.Equal(0, code);
        string path = output.Trim();
        Assert.StartsWith(Path.Combine(_f.CacheDirectory, "models--demo--tiny-model", "snapshots"), path, StringComparison.Ordinal);
        Assert.Contains("\"model_type\": \"bert\"", File.ReadAllText(path), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redirected_output_gets_plain_progress_lines()
    {
        var (code, _, error) = await Run("download", DemoRepos.TinyModel, "model.safetensors", "--cache-dir", _f.CacheDirectory);

        Assert.Equal(0, code);
        Assert.Contains("downloaded model.safetensors (100.0 KB)", error, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_option_is_a_usage_error_with_exit_code_2()
    {
        var (code, _, error) = await Run("download", DemoRepos.TinyModel, "--no-such-option");

        Assert.Equal(2, code);
        CliRunner.AssertNoStackTrace(error);
        Assert.Contains("--no-such-option", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hub_errors_are_one_clear_line_with_exit_code_1()
    {
        var (code, _, error) = await Run("download", "acme/missing", "config.json", "--cache-dir", _f.CacheDirectory);

        Assert.Equal(1, code);
        CliRunner.AssertNoStackTrace(error);
        string line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains("acme/missing was not found", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ls_lists_files_and_folders_and_json_is_machine_readable()
    {
        var (code, output, _) = await Run("ls", DemoRepos.TinyModel);
        Assert.Equal(0, code);
        Assert.Contains("onnx/", output, StringComparison.Ordinal);
        Assert.Contains("config.json", output, StringComparison.Ordinal);
        Assert.Contains(output.Split('\n'), l => l.EndsWith("  model.safetensors  (xet)", StringComparison.Ordinal));
        Assert.Contains(output.Split('\n'), l => l.EndsWith("  config.json", StringComparison.Ordinal));

        (code, output, _) = await Run("ls", DemoRepos.TinyModel, "--recursive");
        Assert.Contains(output.Split('\n'), l => l.EndsWith("  onnx/model.onnx  (lfs)", StringComparison.Ordinal));

        (code, output, _) = await Run("ls", DemoRepos.TinyModel, "--recursive", "--json");
        Assert.Equal(0, code);
        using JsonDocument json = JsonDocument.Parse(output);
        Assert.Contains(json.RootElement.EnumerateArray(), e => e.GetProperty("path").GetString() == "onnx/model.onnx");
    }

    [Fact]
    public async Task Info_shows_commit_and_files()
    {
        var (code, output, _) = await Run("info", DemoRepos.TinyModel);

        Assert.Equal(0, code);
        Assert.Contains("commit:        " + _f.Hub.FindRepo(DemoRepos.TinyModel)!.Head().Sha, output, StringComparison.Ordinal);
        Assert.Contains("model.safetensors", output, StringComparison.Ordinal);
    }
}
