namespace HubClient.Tests.Cli;

/// <summary>
/// What scripts that call <c>hub</c> rely on (found by an automation-minded review; each test failed before its fix):
/// every online command reports retries and names the option at fault, every named file is downloaded or the command
/// fails, and an exit-1 line says what to try without the URL (<c>--verbose</c> adds it).
/// </summary>
public sealed class AutomationTests : IAsyncLifetime
{
    private readonly HubFixture _f = new();

    public Task InitializeAsync()
    {
        _f.Hub.AddTinyModel(weightsBytes: 1000);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    private Task<CliResult> Run(params string[] args) => CliRunner.RunAsync(_f, args);

    // README: "Retries ... are reported on stderr". `hub inspect` builds its HubApi itself, without the event log.
    [Fact]
    public async Task Inspect_reports_retries_on_stderr_like_every_other_online_command()
    {
        _f.Hub.InjectFault(FakeFault.Status(503), r => r.Method == "HEAD", times: 1);

        CliResult run = await Run("inspect", DemoRepos.TinyModel, "--cache-dir", _f.CacheDirectory);

        Assert.True(run.Code == 0, run.Err);
        Assert.Contains("retry 1: HEAD " + _f.Hub.Endpoint, run.Err, StringComparison.Ordinal);
    }

    // A bad --endpoint is named as --endpoint (as `hub ls` does), not as HubApiOptions.Endpoint (HF_ENDPOINT).
    [Fact]
    public async Task Inspect_names_the_endpoint_option_the_user_gave()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await HubClient.Cli.HubCommandLine.RunAsync(["inspect", DemoRepos.TinyModel, "--endpoint", "not-a-url"], output, error);

        string line = FirstContactTests.AssertFails(new CliResult(code, output.ToString(), error.ToString()), 2);
        Assert.Contains("--endpoint must be an absolute http(s) URL", line, StringComparison.Ordinal);
    }

    // `--cache-dir "$UNSET"`: the usage error leaks .NET's "(Parameter '...')" and names HubApiOptions instead of --cache-dir.
    [Fact]
    public async Task An_empty_cache_dir_is_a_usage_error_in_the_commands_words()
    {
        CliResult run = await Run("download", DemoRepos.TinyModel, "config.json", "--cache-dir", "");

        string line = FirstContactTests.AssertFails(run, 2); // asserts no "(Parameter '" on stderr
        Assert.Contains("--cache-dir", line, StringComparison.Ordinal);
    }

    // `hub download REPO FILE FILE`: a file whose name holds '[' (or '?', '*') is read as a glob, silently not
    // downloaded, and the command exits 0 printing the folder as if it held every file named.
    [Fact]
    public async Task Every_file_named_on_the_command_line_is_downloaded_or_the_command_fails()
    {
        _f.Hub.AddRepo("acme/brackets").Commit(c => c.Add("weights[0].json", "{\"a\":1}").Add("config.json", "{}"));

        CliResult run = await Run("download", "acme/brackets", "weights[0].json", "config.json", "--cache-dir", _f.CacheDirectory);

        if (run.Code == 0)
        {
            string folder = Assert.Single(run.OutLines);
            Assert.True(File.Exists(Path.Combine(folder, "config.json")));
            Assert.True(File.Exists(Path.Combine(folder, "weights[0].json")), $"exit 0, but weights[0].json is not in {folder}; stderr: {run.Err}");
        }
    }

    // The same token given to the CLI (`--token "$(cat token.txt)"` of a CRLF file) is a bad option: exit 2 naming --token.
    [Fact]
    public async Task Cli_refuses_a_token_with_a_carriage_return_as_a_usage_error()
    {
        CliResult run = await Run("info", DemoRepos.TinyModel, "--token", "hf_abc\r");

        string line = FirstContactTests.AssertFails(run, 2);
        Assert.Contains("--token", line, StringComparison.Ordinal);
    }

    // README: exit 1 is "one line saying what to try; --verbose adds the URL, request id and stack trace".
    [Fact]
    public async Task A_rate_limited_command_says_when_to_try_again_without_the_url()
    {
        _f.Hub.InjectFault(FakeFault.RateLimited(TimeSpan.FromMinutes(30)), r => r.Path.StartsWith("/api/", StringComparison.Ordinal), times: 10);

        CliResult run = await Run("info", DemoRepos.TinyModel);

        string line = FirstContactTests.AssertFails(run, 1);
        Assert.DoesNotContain("http://", line, StringComparison.Ordinal);
        Assert.Matches("(?i)(retry|try again|wait|minutes)", line);
    }

    [Fact]
    public async Task A_missing_file_error_line_has_no_url_without_verbose()
    {
        CliResult run = await Run("download", DemoRepos.TinyModel, "nope.json", "--cache-dir", _f.CacheDirectory);

        string line = FirstContactTests.AssertFails(run, 1);
        Assert.DoesNotContain("http://", line, StringComparison.Ordinal);
    }

    // A script asking `hub download --json` would parse a path: --json goes with --dry-run, otherwise a usage error.
    [Fact]
    public async Task Download_json_without_dry_run_is_a_usage_error()
    {
        CliResult run = await Run("download", DemoRepos.TinyModel, "config.json", "--json", "--cache-dir", _f.CacheDirectory);

        string line = FirstContactTests.AssertFails(run, 2);
        Assert.Contains("--dry-run", line, StringComparison.Ordinal);
    }

    // A protocol error quotes the URL it refused; the exit-1 line keeps only its path (--verbose prints the rest).
    [Fact]
    public async Task A_protocol_error_line_has_no_url_without_verbose()
    {
        _f.Hub.InjectFault(FakeFault.MalformedJson(), r => r.Path.StartsWith("/api/", StringComparison.Ordinal), times: 100);

        CliResult run = await Run("info", DemoRepos.TinyModel);

        string line = FirstContactTests.AssertFails(run, 1);
        Assert.DoesNotContain(_f.Hub.Endpoint, line, StringComparison.Ordinal);
    }

    // A dry run plans what the download would fetch: one named file is that file (downloaded by its name), never what
    // its name would match as a pattern.
    [Fact]
    public async Task A_dry_run_of_one_named_file_plans_that_file_only()
    {
        _f.Hub.AddRepo("acme/brackets").Commit(c => c.Add("weights[0].json", "{}").Add("weights0.json", "{}"));

        CliResult run = await Run("download", "acme/brackets", "weights[0].json", "--dry-run", "--json", "--cache-dir", _f.CacheDirectory);

        Assert.True(run.Code == 0, run.Err);
        Assert.Contains("weights[0].json", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("weights0.json", run.Out, StringComparison.Ordinal);
    }
}
