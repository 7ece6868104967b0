using HubClient.Cli;
using HubClient.Tests.Cache;

namespace HubClient.Tests.Cli;

/// <summary>
/// <c>hub cache</c> on inputs a user types or a cache holds: durations at the edge of the range, commit hashes in upper case,
/// folder names with control characters. Every failure is one line and a usage code; nothing raw reaches the terminal.
/// </summary>
public sealed class CacheCommandInputTests : IDisposable
{
    private const string Folder = "models--acme--tiny";
    private readonly TempDirectory _temp = new();
    private readonly PythonCacheBuilder _cache;
    private readonly string _main = PythonCacheBuilder.Commit("main");
    private readonly string _old = PythonCacheBuilder.Commit("old");

    public CacheCommandInputTests()
    {
        _cache = new PythonCacheBuilder(_temp.Combine("hub"));
        _cache.AddFile(Folder, _main, "config.json", Bytes.Random(10, 1));
        _cache.AddFile(Folder, _old, "config.json", Bytes.Random(20, 2));
        _cache.SetRef(Folder, "main", _main);
    }

    public void Dispose() => _temp.Dispose();

    private async Task<CliResult> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await HubCommandLine.RunAsync([.. args, "--cache-dir", _cache.CacheDirectory], output, error);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Prune_with_a_duration_too_long_for_a_TimeSpan_is_a_usage_error_not_a_crash()
    {
        // 99999999d overflows TimeSpan.FromDays: the parser lets the OverflowException escape (the process aborts, exit 134,
        // with a stack trace).
        CliResult run = await Run("cache", "prune", "--older-than", "99999999d", "--dry-run");

        Assert.Equal(ExitCodes.Usage, run.Code);
        CliRunner.AssertNoStackTrace(run.Err);
    }

    [Fact]
    public async Task Prune_with_a_duration_reaching_before_year_one_keeps_every_partial_and_still_prunes_detached_revisions()
    {
        // 3000000d is a valid TimeSpan ("keep partials, whatever their age"), but now - 3000000d is before 0001-01-01:
        // the command fails with "The added or subtracted value results in an un-representable DateTime."
        CliResult run = await Run("cache", "prune", "--older-than", "3000000d", "--dry-run");

        Assert.Equal(ExitCodes.Ok, run.Code);
        Assert.Contains(_old, run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_takes_a_full_commit_hash_in_upper_case_as_it_takes_an_upper_case_prefix()
    {
        // Python's hf cache rm lowers the target; hub cache delete lowers a prefix (E9D71F5…) but refuses the full hash.
        CliResult prefix = await Run("cache", "delete", _old[..10].ToUpperInvariant(), "--dry-run");
        Assert.Equal(ExitCodes.Ok, prefix.Code);
        Assert.Contains(_old, prefix.Out, StringComparison.Ordinal);

        CliResult full = await Run("cache", "delete", _old.ToUpperInvariant(), "--dry-run");

        Assert.Equal(ExitCodes.Ok, full.Code);
        Assert.Contains(_old, full.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_never_writes_control_characters_from_folder_names_to_the_terminal()
    {
        // A folder another user of a shared cache created (or a tool gone wrong): its name is printed raw, so ESC sequences
        // clear the screen or retitle the terminal, and a line break splits a table row and a warning line in two.
        Directory.CreateDirectory(Path.Combine(_cache.CacheDirectory, "models--evil--a\u001b[2J\u001b]0;pwned\u0007b", "snapshots"));
        Directory.CreateDirectory(Path.Combine(_cache.CacheDirectory, "models--evil--line\nbreak"));

        CliResult run = await Run("cache", "scan");

        Assert.Equal(ExitCodes.Ok, run.Code);
        Assert.DoesNotContain('\u001b', run.Out + run.Err);
        Assert.DoesNotContain('\u0007', run.Out + run.Err);
        // Each warning is one line: "Got N warnings while scanning:" then N lines.
        string[] errLines = run.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(1 + 1, errLines.Length);
    }
}

/// <summary>
/// The <c>cache</c> commands never talk to the hub (README), so the download and HEAD timeouts cannot matter to them;
/// huggingface_hub's <c>hf cache ls</c> runs with <c>HF_HUB_ETAG_TIMEOUT=-5</c>.
/// </summary>
[Collection("Process environment")]
public sealed class CacheCommandEnvironmentTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string? _saved = Environment.GetEnvironmentVariable("HF_HUB_ETAG_TIMEOUT");

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("HF_HUB_ETAG_TIMEOUT", _saved);
        _temp.Dispose();
    }

    [Fact]
    public async Task Scan_does_not_fail_on_a_timeout_variable_it_never_uses()
    {
        string cache = _temp.Combine("hub");
        new PythonCacheBuilder(cache).AddFile("models--acme--tiny", PythonCacheBuilder.Commit("main"), "config.json", Bytes.Random(10, 1));
        Environment.SetEnvironmentVariable("HF_HUB_ETAG_TIMEOUT", "-5");

        var output = new StringWriter();
        var error = new StringWriter();
        int code = await HubCommandLine.RunAsync(["cache", "scan", "--cache-dir", cache], output, error);

        Assert.Equal("", error.ToString());
        Assert.Equal(ExitCodes.Ok, code);
    }
}
