namespace HubClient.Tests.Cli;

public sealed class DownloadCommandTests : IAsyncLifetime
{
    private readonly HubFixture _f = new();
    private string _head = "";

    public Task InitializeAsync()
    {
        _head = _f.Hub.AddTinyModel(weightsBytes: 100_000).Head().Sha;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    private Task<CliResult> Run(params string[] args) => CliRunner.RunAsync(_f, [.. args, "--cache-dir", _f.CacheDirectory]);

    private string Snapshot => Path.Combine(_f.CacheDirectory, "models--demo--tiny-model", "snapshots", _head);

    [Fact]
    public async Task Without_files_downloads_the_snapshot_selected_by_include_and_exclude_and_prints_its_folder()
    {
        CliResult run = await Run("download", DemoRepos.TinyModel, "--include", "*.json", "--include", "onnx/*", "--exclude", "tokenizer*", "--quiet");

        Assert.Equal(0, run.Code);
        Assert.Equal(Snapshot, Assert.Single(run.OutLines));
        Assert.True(File.Exists(Path.Combine(Snapshot, "config.json")));
        Assert.True(File.Exists(Path.Combine(Snapshot, "onnx", "model.onnx")));
        Assert.False(File.Exists(Path.Combine(Snapshot, "tokenizer.json")));
        Assert.False(File.Exists(Path.Combine(Snapshot, "model.safetensors")));
        Assert.Equal("", run.Err);
    }

    [Fact]
    public async Task Snapshot_progress_is_plain_lines_on_the_error_stream_when_redirected()
    {
        CliResult run = await Run("download", DemoRepos.TinyModel);

        Assert.Equal(0, run.Code);
        Assert.Equal(Snapshot, Assert.Single(run.OutLines));
        string[] lines = run.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("demo/tiny-model: 5 files (", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Contains("[5/5]", StringComparison.Ordinal));
        Assert.StartsWith("done: 5 files", lines[^1], StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Several_files_come_from_one_snapshot_and_include_is_ignored_with_a_warning()
    {
        CliResult run = await Run("download", DemoRepos.TinyModel, "config.json", "onnx/model.onnx", "--include", "*.md");

        Assert.Equal(0, run.Code);
        Assert.Equal(Snapshot, Assert.Single(run.OutLines));
        Assert.Contains("warning: ignoring --include since files were given", run.Err, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Snapshot, "config.json")));
        Assert.True(File.Exists(Path.Combine(Snapshot, "onnx", "model.onnx")));
        Assert.False(File.Exists(Path.Combine(Snapshot, "README.md")));
    }

    [Fact]
    public async Task A_named_file_the_repository_lacks_is_an_error_even_among_several()
    {
        CliResult run = await Run("download", DemoRepos.TinyModel, "config.json", "nope.txt", "--quiet");

        Assert.Equal(1, run.Code);
        CliRunner.AssertNoStackTrace(run.Err);
        Assert.StartsWith("error: demo/tiny-model@main has no file 'nope.txt'", run.Err, StringComparison.Ordinal);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public async Task Local_dir_snapshot_prints_the_folder_and_revision_picks_the_commit()
    {
        string local = _f.Temp.Combine("local");
        CliResult run = await Run("download", DemoRepos.TinyModel, "--revision", "v1.0", "--local-dir", local, "--exclude", "*.safetensors", "--max-workers", "2", "-q");

        Assert.Equal(0, run.Code);
        Assert.Equal(local, Assert.Single(run.OutLines));
        Assert.True(File.Exists(Path.Combine(local, "tokenizer.json")));
        Assert.False(File.Exists(Path.Combine(local, "model.safetensors")));
    }

    [Fact]
    public async Task Force_downloads_again_and_quiet_prints_only_the_path()
    {
        Assert.Equal(0, (await Run("download", DemoRepos.TinyModel, "config.json", "-q")).Code);
        _f.Hub.ClearRequests();

        CliResult run = await Run("download", DemoRepos.TinyModel, "config.json", "--force", "--quiet");

        Assert.Equal(0, run.Code);
        Assert.Equal(Path.Combine(Snapshot, "config.json"), Assert.Single(run.OutLines));
        Assert.Equal("", run.Err);
        Assert.Contains(_f.Hub.Requests, r => r.Path.EndsWith("/config.json", StringComparison.Ordinal) && r.Method == "GET");
    }

    [Theory]
    [InlineData("--max-workers", "0")]
    [InlineData("--repo-type", "nonsense")]
    public async Task Invalid_option_values_are_usage_errors(string option, string value)
    {
        CliResult run = await Run("download", DemoRepos.TinyModel, option, value);

        Assert.Equal(2, run.Code);
        CliRunner.AssertNoStackTrace(run.Err);
        Assert.Contains(option == "--max-workers" ? "--max-workers must be at least 1" : "nonsense", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_revision_is_one_error_line_with_exit_code_1()
    {
        CliResult run = await Run("download", DemoRepos.TinyModel, "--revision", "no-such-branch");

        Assert.Equal(1, run.Code);
        CliRunner.AssertNoStackTrace(run.Err);
        Assert.StartsWith("error: ", Assert.Single(run.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }
}
