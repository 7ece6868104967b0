using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using HubClient.Cli;
using HubClient.Cli.Output;
using HubClient.Tests.Cache;
using Spectre.Console;

namespace HubClient.Tests.Cli;

/// <summary>
/// Issue 12, items 3–13: what a new user meets first. Every error path asserts its exit code and that no stack trace reaches
/// the error stream without --verbose.
/// </summary>
public sealed class FirstContactTests : IAsyncLifetime
{
    private readonly HubFixture _f = new();
    private FakeRepo _repo = null!;

    public Task InitializeAsync()
    {
        _repo = _f.Hub.AddTinyModel(weightsBytes: 100_000);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    private string Head => _repo.Head().Sha;

    private string Snapshot => Path.Combine(_f.CacheDirectory, "models--demo--tiny-model", "snapshots", Head);

    /// <summary>Runs against the fake hub; the commands that use the cache get the test's cache folder.</summary>
    private Task<CliResult> Run(params string[] args) =>
        CliRunner.RunAsync(_f, args is ["download" or "cache", ..] ? [.. args, "--cache-dir", _f.CacheDirectory] : args);

    /// <summary>Runs with the arguments exactly as given (no endpoint or cache folder added).</summary>
    private static async Task<CliResult> RunExactly(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await HubCommandLine.RunAsync(args, output, error);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    /// <summary>A failed run: the exit code, one error line, and no stack trace or .NET parameter names.</summary>
    internal static string AssertFails(CliResult run, int code)
    {
        Assert.True(code == run.Code, $"exit {run.Code}, expected {code}: {run.Err}");
        string[] lines = run.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string line = Assert.Single(lines, l => l.StartsWith("error: ", StringComparison.Ordinal));
        CliRunner.AssertNoStackTrace(run.Err);
        return line;
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // Item 3: one pattern per --include/--exclude.
    [Theory]
    [InlineData("--include", "*.json", "onnx/*", "*.md")]
    [InlineData("--exclude", "*.onnx", "*.md")]
    [InlineData("--include", "*.json", "config.json")]
    public async Task A_bare_argument_after_a_pattern_is_a_usage_error_before_any_request(params string[] patterns)
    {
        _f.Hub.ClearRequests();

        CliResult run = await Run(["download", DemoRepos.TinyModel, .. patterns, "--quiet"]);

        string line = AssertFails(run, 2);
        Assert.Contains($"{patterns[0]} \"{patterns[1]}\" {patterns[0]} \"{patterns[2]}\"", line, StringComparison.Ordinal);
        Assert.Empty(_f.Hub.Requests);
        Assert.Equal("", run.Out);
    }

    /// <summary>
    /// A file whose name starts with '-' is downloaded when it comes after '--' (POSIX); before it, it is taken for a mistyped
    /// option. (A new-user review found it refused either way.)
    /// </summary>
    [Fact]
    public async Task A_file_named_like_an_option_is_downloaded_after_a_double_dash()
    {
        _repo.Commit(c => c.Add("-notes.txt", "dash"));

        CliResult mistyped = await RunExactly("download", DemoRepos.TinyModel, "-notes.txt", "--endpoint", _f.Hub.Endpoint, "--cache-dir", _f.CacheDirectory);
        CliResult run = await RunExactly("download", DemoRepos.TinyModel, "--quiet", "--endpoint", _f.Hub.Endpoint, "--cache-dir", _f.CacheDirectory, "--", "-notes.txt");

        Assert.Contains("Unrecognized option '-notes.txt'", AssertFails(mistyped, 2), StringComparison.Ordinal);
        Assert.True(run.Code == 0, run.Err);
        Assert.Equal("dash", File.ReadAllText(run.Out.Trim()));
    }

    [Fact]
    public async Task A_wildcard_file_name_beside_include_is_a_usage_error()
    {
        CliResult run = await Run("download", DemoRepos.TinyModel, "*.md", "--include", "*.json");

        Assert.Contains("--include \"*.md\"", AssertFails(run, 2), StringComparison.Ordinal);
    }

    // Item 4: a path ending in '/' is that folder.
    [Fact]
    public async Task A_folder_path_downloads_that_folder_and_prints_it()
    {
        CliResult run = await Run("download", DemoRepos.TinyModel, "onnx/", "--quiet");

        Assert.Equal(0, run.Code);
        string folder = Path.Combine(Snapshot, "onnx");
        Assert.Equal(folder, Assert.Single(run.OutLines));
        Assert.True(File.Exists(Path.Combine(folder, "model.onnx")));
        Assert.False(File.Exists(Path.Combine(Snapshot, "config.json")));
    }

    [Fact]
    public async Task A_folder_path_with_include_is_a_usage_error_and_a_missing_folder_an_error()
    {
        AssertFails(await Run("download", DemoRepos.TinyModel, "onnx/", "--include", "*.onnx"), 2);
        Assert.Contains("no folder 'nope/'", AssertFails(await Run("download", DemoRepos.TinyModel, "nope/", "--quiet"), 1), StringComparison.Ordinal);
    }

    // Item 5: a bad endpoint is a usage error naming where it came from.
    [Theory]
    [InlineData("localhost:8080")]
    [InlineData("ftp://example.com")]
    [InlineData("not-a-url")]
    public async Task A_bad_endpoint_is_one_line_and_exit_2(string endpoint)
    {
        CliResult run = await RunExactly("ls", DemoRepos.TinyModel, "--endpoint", endpoint);

        string line = AssertFails(run, 2);
        Assert.Contains("--endpoint must be an absolute http(s) URL", line, StringComparison.Ordinal);
        Assert.Contains(endpoint, line, StringComparison.Ordinal);
    }

    /// <summary>The command line that runs <c>hub</c> with <paramref name="args"/> as a process of its own: host, then arguments.</summary>
    private static (string Host, string[] Arguments) HubCommand(string[] args)
    {
        string hub = typeof(HubCommandLine).Assembly.Location;
        // The test's runtime config and dependencies: hub.dll here runs without its own (it is a referenced assembly).
        string bin = Path.GetDirectoryName(hub)!;
        return (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet",
            ["exec", "--runtimeconfig", Path.Combine(bin, "HubClient.Tests.runtimeconfig.json"), "--depsfile", Path.Combine(bin, "HubClient.Tests.deps.json"), hub, .. args]);
    }

    /// <summary>Starts <c>hub</c> as a process of its own with <paramref name="args"/> and <paramref name="environment"/>.</summary>
    private static Process StartHubProcess(string[] args, Dictionary<string, string> environment)
    {
        (string host, string[] arguments) = HubCommand(args);
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (string a in arguments) start.ArgumentList.Add(a);
        foreach ((string name, string value) in environment) start.Environment[name] = value;
        return Process.Start(start)!;
    }

    [Fact]
    public async Task A_bad_HF_ENDPOINT_in_a_real_process_is_one_line_and_exit_2()
    {
        using Process process = StartHubProcess(["ls", DemoRepos.TinyModel], new() { ["HF_ENDPOINT"] = "localhost:8080", ["HF_HUB_CACHE"] = _f.CacheDirectory });
        Task<string> err = process.StandardError.ReadToEndAsync();
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        string line = AssertFails(new CliResult(process.ExitCode, await output, await err), 2);
        Assert.Contains("HF_ENDPOINT must be an absolute http(s) URL", line, StringComparison.Ordinal);
    }

    /// <summary>
    /// Ctrl+C during a download stops it and says so, exit 130, and the same command then finishes it. (A new-user review
    /// found it silent: System.CommandLine's own handler exited 130 without a word.)
    /// </summary>
    [UnixFact]
    public async Task Ctrl_C_during_a_download_says_it_was_cancelled_and_the_rerun_finishes_it()
    {
        var stalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _f.Hub.InjectFault(FakeFault.Stall(0, TimeSpan.FromMinutes(2)), r =>
        {
            if (!r.IsXorb && !r.IsCdn) return false;
            stalled.TrySetResult();
            return true;
        }, times: 1);
        using Process process = StartHubProcess(["download", DemoRepos.TinyModel, "model.safetensors", "--endpoint", _f.Hub.Endpoint, "--cache-dir", _f.CacheDirectory],
            new() { ["HF_HUB_DISABLE_PROGRESS_BARS"] = "1" });
        Task<string> err = process.StandardError.ReadToEndAsync();
        Task<string> output = process.StandardOutput.ReadToEndAsync();

        await stalled.Task.WaitAsync(TimeSpan.FromSeconds(60));
        using (Process kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!) await kill.WaitForExitAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        var run = new CliResult(process.ExitCode, await output, await err);
        Assert.True(run.Code == 130, $"exit {run.Code}: {run.Err}");
        Assert.Contains("cancelled: a download keeps what it wrote", run.Err, StringComparison.Ordinal);
        CliRunner.AssertNoStackTrace(run.Err);
        CliResult rerun = await Run("download", DemoRepos.TinyModel, "model.safetensors", "--quiet");
        Assert.True(rerun.Code == 0, rerun.Err);
    }

    /// <summary>
    /// Ctrl+C at <c>hub cache delete</c>'s "Delete?" prompt (on a pseudo-terminal) stops the command and deletes nothing.
    /// (A review found the prompt deaf to it: the signal was swallowed, and a "y" typed afterwards still deleted.)
    /// </summary>
    [UnixFact]
    public async Task Ctrl_C_at_the_delete_prompt_stops_the_command()
    {
        Assert.True(File.Exists("/usr/bin/script"), "needs util-linux's script for a pseudo-terminal");
        string cache = _f.Temp.Combine("prompt-cache");
        var builder = new PythonCacheBuilder(cache);
        string commit = PythonCacheBuilder.Commit("main");
        builder.AddFile("models--acme--prompt", commit, "a.bin", Bytes.Random(10, 1));
        builder.SetRef("models--acme--prompt", "main", commit);
        string repoDir = Path.Combine(cache, "models--acme--prompt");

        (string host, string[] arguments) = HubCommand(["cache", "delete", "acme/prompt", "--cache-dir", cache]);
        string command = string.Join(' ', new[] { host }.Concat(arguments).Select(a => "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));
        var start = new ProcessStartInfo("/usr/bin/script")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in (string[])["-qfec", command, "/dev/null"]) start.ArgumentList.Add(a);
        using Process process = Process.Start(start)!;
        var seen = new StringBuilder();
        var prompted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task reader = Task.Run(async () =>
        {
            var buffer = new char[256];
            int n;
            while ((n = await process.StandardOutput.ReadAsync(buffer)) > 0)
            {
                lock (seen)
                {
                    seen.Append(buffer, 0, n);
                    if (seen.ToString().Contains("Delete?", StringComparison.Ordinal)) prompted.TrySetResult();
                }
            }
        });
        try
        {
            await prompted.Task.WaitAsync(TimeSpan.FromSeconds(60));
            await process.StandardInput.WriteAsync('\u0003'); // Ctrl+C on the terminal: SIGINT to the command
            await process.StandardInput.FlushAsync();
            bool stopped = await Task.Run(() => process.WaitForExit(TimeSpan.FromSeconds(10)));
            if (!stopped)
            {
                // The user, seeing nothing happen, answers the prompt that is still there.
                await process.StandardInput.WriteAsync("y\r");
                await process.StandardInput.FlushAsync();
                process.WaitForExit(TimeSpan.FromSeconds(20));
            }
            Assert.True(stopped, $"Ctrl+C at the prompt did not stop 'hub cache delete' within 10 s; repo still there: {Directory.Exists(repoDir)}. Output: {seen}");
            Assert.True(Directory.Exists(repoDir));
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await reader.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
    // Item 6: retries and cache fallbacks are reported on the error stream.
    [Fact]
    public async Task Retries_are_reported_on_the_error_stream()
    {
        _f.Hub.InjectFault(FakeFault.Status(503), r => r.Method == "HEAD" && r.Path.EndsWith("/config.json", StringComparison.Ordinal));

        CliResult run = await Run("download", DemoRepos.TinyModel, "config.json");

        Assert.Equal(0, run.Code);
        Assert.Contains("retry 1: HEAD " + _f.Hub.Endpoint, run.Err, StringComparison.Ordinal);
        Assert.Contains("503", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cached_file_on_a_dead_endpoint_says_the_cache_answered()
    {
        Assert.Equal(0, (await Run("download", DemoRepos.TinyModel, "--include", "config.json", "--quiet")).Code);
        string dead = $"http://127.0.0.1:{ClosedPort()}";

        CliResult file = await RunExactly("download", DemoRepos.TinyModel, "config.json", "--endpoint", dead, "--cache-dir", _f.CacheDirectory);
        CliResult snapshot = await RunExactly("download", DemoRepos.TinyModel, "--include", "config.json", "--endpoint", dead, "--cache-dir", _f.CacheDirectory);

        Assert.True(file.Code == 0, file.Err);
        Assert.Equal(Path.Combine(Snapshot, "config.json"), Assert.Single(file.OutLines));
        Assert.Contains("config.json of demo/tiny-model comes from the cache", file.Err, StringComparison.Ordinal);
        Assert.True(snapshot.Code == 0, snapshot.Err);
        Assert.Contains("the hub could not be reached; the files come from the cache", snapshot.Err, StringComparison.Ordinal);
        CliRunner.AssertNoStackTrace(file.Err + snapshot.Err);
    }

    [Fact]
    public async Task An_unreachable_hub_with_nothing_cached_is_one_error_line()
    {
        CliResult run = await RunExactly("info", DemoRepos.TinyModel, "--endpoint", $"http://127.0.0.1:{ClosedPort()}");

        AssertFails(run, 1);
    }

    // Item 7: ls --json tells files from folders.
    [Fact]
    public async Task Ls_json_entries_carry_their_type()
    {
        CliResult run = await Run("ls", DemoRepos.TinyModel, "--json");

        Assert.Equal(0, run.Code);
        using JsonDocument json = JsonDocument.Parse(run.Out);
        JsonElement[] entries = [.. json.RootElement.EnumerateArray()];
        Assert.All(entries, e => Assert.True(e.TryGetProperty("type", out _), e.ToString()));
        Assert.Equal("directory", entries.Single(e => e.GetProperty("path").GetString() == "onnx").GetProperty("type").GetString());
        Assert.Equal("file", entries.Single(e => e.GetProperty("path").GetString() == "config.json").GetProperty("type").GetString());
    }

    /// <summary><c>ls</c> prints a folder as <c>onnx/</c> and <c>download</c> takes it so: <c>ls</c> takes it so too (a new-user review).</summary>
    [Fact]
    public async Task Ls_takes_a_folder_as_it_prints_one()
    {
        CliResult bare = await Run("ls", DemoRepos.TinyModel, "onnx");
        CliResult slash = await Run("ls", DemoRepos.TinyModel, "onnx/");

        Assert.True(slash.Code == 0, slash.Err);
        Assert.Contains("onnx/model.onnx", slash.Out, StringComparison.Ordinal);
        Assert.Equal(bare.Out, slash.Out);
    }

    // Item 8: bad ids, paths and revisions are usage errors in the command's words.
    [Theory]
    [InlineData("download", "bad repo!!", "config.json")]
    [InlineData("download", DemoRepos.TinyModel, "../outside.txt")]
    [InlineData("download", DemoRepos.TinyModel, "config.json", "--revision", "a/../b")]
    [InlineData("ls", "bad repo!!")]
    [InlineData("info", "bad repo!!")]
    public async Task Invalid_ids_paths_and_revisions_exit_2_without_dotnet_wording(params string[] args)
    {
        _f.Hub.ClearRequests();

        CliResult run = await Run(args);

        Assert.StartsWith("error: Invalid ", AssertFails(run, 2), StringComparison.Ordinal);
        Assert.Empty(_f.Hub.Requests);
    }

    // Item 9: hub errors say what they mean and what to try; URL and request id only with --verbose.
    [Fact]
    public async Task A_missing_repo_says_what_to_check_and_verbose_adds_the_request()
    {
        CliResult run = await Run("download", "acme/missing", "config.json");
        CliResult verbose = await Run("download", "acme/missing", "config.json", "--verbose");

        string line = AssertFails(run, 1);
        Assert.Equal("error: acme/missing was not found, or it is private and your token gives no access: check the id, --repo-type (model) and --token.", line);
        Assert.DoesNotContain("http://", run.Err, StringComparison.Ordinal);
        Assert.Equal(1, verbose.Code);
        Assert.Contains($"request: {_f.Hub.Endpoint}/", verbose.Err, StringComparison.Ordinal);
        Assert.Contains("request id", verbose.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gated_repo_says_to_accept_its_terms()
    {
        _repo.Gated = true;

        string line = AssertFails(await Run("download", DemoRepos.TinyModel, "config.json"), 1);

        Assert.Contains("is gated: accept its terms on the hub", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_revision_or_file_says_how_to_list_them()
    {
        Assert.Contains("'hub info demo/tiny-model'", AssertFails(await Run("download", DemoRepos.TinyModel, "config.json", "--revision", "nope"), 1), StringComparison.Ordinal);
        Assert.Contains("'hub ls demo/tiny-model -R'", AssertFails(await Run("download", DemoRepos.TinyModel, "nope.json"), 1), StringComparison.Ordinal);
    }

    // Item 10: a cache hit does not look like a download.
    [Fact]
    public async Task A_second_download_says_nothing_was_fetched()
    {
        Assert.Equal(0, (await Run("download", DemoRepos.TinyModel)).Code);
        Assert.Equal(0, (await Run("download", DemoRepos.TinyModel, "config.json")).Code);

        CliResult snapshot = await Run("download", DemoRepos.TinyModel);
        CliResult file = await Run("download", DemoRepos.TinyModel, "config.json");

        Assert.Equal(0, snapshot.Code);
        Assert.Contains("done: all 5 files", snapshot.Err, StringComparison.Ordinal);
        Assert.Contains("were already cached; nothing was fetched", snapshot.Err, StringComparison.Ordinal);
        Assert.Equal(0, file.Code);
        Assert.Contains("config.json was already cached; nothing was fetched", file.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_first_download_says_what_was_fetched()
    {
        CliResult run = await Run("download", DemoRepos.TinyModel);

        Assert.Contains("done: 5 files, ", run.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("already cached", run.Err, StringComparison.Ordinal);
    }

    // Item 11: one byte formatter everywhere, hf's convention.
    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(999, "999 B")]
    [InlineData(1000, "1.0 KB")]
    [InlineData(100_000, "100.0 KB")]
    [InlineData(121_400_000, "121.4 MB")]
    [InlineData(4_300_000_000, "4.3 GB")]
    public void Sizes_follow_hf(long bytes, string expected) => Assert.Equal(expected, ByteSize.Format(bytes));

    [Fact]
    public async Task Download_ls_info_and_cache_scan_print_the_same_size()
    {
        CliResult download = await Run("download", DemoRepos.TinyModel, "model.safetensors");
        CliResult ls = await Run("ls", DemoRepos.TinyModel);
        CliResult info = await Run("info", DemoRepos.TinyModel);
        CliResult scan = await Run("cache", "scan");

        Assert.Contains("downloaded model.safetensors (100.0 KB)", download.Err, StringComparison.Ordinal);
        Assert.Contains(ls.OutLines, l => l.StartsWith("100.0 KB  model.safetensors", StringComparison.Ordinal));
        Assert.Contains(info.OutLines, l => l.StartsWith("100.0 KB  model.safetensors", StringComparison.Ordinal));
        Assert.Matches(@"demo/tiny-model\s+model\s+100\.0 KB\s+1\s", scan.OutLines[1]);
    }

    // Item 12: redirected output is never wrapped.
    [Fact]
    public async Task Redirected_rows_keep_long_snapshot_paths_whole()
    {
        string deep = _f.Temp.Combine(new string('c', 120));
        Directory.CreateDirectory(deep);
        Assert.Equal(0, (await CliRunner.RunAsync(_f, ["download", DemoRepos.TinyModel, "config.json", "--cache-dir", deep, "-q"])).Code);

        CliResult run = await CliRunner.RunAsync(_f, ["cache", "scan", "--verbose", "--cache-dir", deep]);

        string snapshot = Path.Combine(deep, "models--demo--tiny-model", "snapshots", Head);
        Assert.Single(run.OutLines, l => l.Contains(Head, StringComparison.Ordinal));
        Assert.Contains(run.OutLines, l => l.EndsWith(snapshot, StringComparison.Ordinal));
        Assert.All(run.OutLines, l => Assert.DoesNotContain('\r', l));
    }

    // Item 13.
    [Fact]
    public void A_progress_bar_shows_no_placeholder_size_before_the_first_report()
    {
        var task = new ProgressTask(1, "snapshot", maxValue: 1) { IsIndeterminate = true };
        var text = new StringWriter();
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, Out = new AnsiConsoleOutput(text) });

        console.Write(new ByteColumns.Downloaded().Render(null!, task, TimeSpan.Zero));
        Assert.Equal("", text.ToString().Trim());

        task.IsIndeterminate = false;
        task.MaxValue = 4_300_000;
        task.Value = 1_000_000;
        console.Write(new ByteColumns.Downloaded().Render(null!, task, TimeSpan.Zero));
        Assert.Equal("1.0 MB/4.3 MB", text.ToString().Trim());
    }

    [Fact]
    public async Task Info_prints_booleans_alike()
    {
        CliResult run = await Run("info", DemoRepos.TinyModel);

        Assert.Contains("private:       false", run.OutLines.Select(l => l.Replace("\r", "", StringComparison.Ordinal)));
        Assert.Contains("gated:         false", run.OutLines);
    }

    [Fact]
    public async Task An_unknown_command_is_one_error()
    {
        CliResult run = await RunExactly("frobnicate");

        Assert.Equal("error: Unrecognized command or argument 'frobnicate'.", AssertFails(run, 2));
    }

    [Theory]
    [InlineData("7")]
    [InlineData("7x")]
    public async Task Older_than_needs_a_unit(string value)
    {
        Assert.Contains("unit", AssertFails(await Run("cache", "prune", "--older-than", value, "--dry-run"), 2), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cache_delete_accepts_a_unique_prefix_of_7_and_refuses_6()
    {
        Assert.Equal(0, (await Run("download", DemoRepos.TinyModel, "config.json", "-q")).Code);

        AssertFails(await Run("cache", "delete", Head[..6], "--yes"), 1);
        CliResult run = await Run("cache", "delete", Head[..7], "--yes");

        Assert.Equal(0, run.Code);
        Assert.False(Directory.Exists(Snapshot));
    }

    [Fact]
    public async Task Offline_cache_commands_take_no_endpoint_or_token()
    {
        CliResult help = await RunExactly("cache", "scan", "--help");
        CliResult downloadHelp = await RunExactly("download", "--help");

        AssertFails(await RunExactly("cache", "scan", "--endpoint", _f.Hub.Endpoint, "--cache-dir", _f.CacheDirectory), 2);
        AssertFails(await RunExactly("cache", "verify", "--token", "x", "--cache-dir", _f.CacheDirectory), 2);
        Assert.DoesNotContain("--endpoint", help.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("--token", help.Out, StringComparison.Ordinal);
        Assert.Contains("--endpoint", downloadHelp.Out, StringComparison.Ordinal);
        Assert.Contains("--token", downloadHelp.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_include_that_matches_nothing_warns_and_nothing_selected_fails()
    {
        CliResult some = await Run("download", DemoRepos.TinyModel, "--include", "*.json", "--include", "*.nope", "-q");
        CliResult none = await Run("download", DemoRepos.TinyModel, "--include", "*.nope", "-q");

        Assert.Equal(0, some.Code);
        Assert.Contains("warning: --include \"*.nope\" matches no file of demo/tiny-model", some.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("\"*.json\" matches no file", some.Err, StringComparison.Ordinal);
        Assert.Contains("no file of demo/tiny-model@main matches --include \"*.nope\"", AssertFails(none, 1), StringComparison.Ordinal);
        Assert.Equal("", none.Out);
    }
}
