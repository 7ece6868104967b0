using System.Text.Json;

namespace HubClient.Tests.Cli;

public sealed class CacheCommandTests : IAsyncLifetime
{
    private readonly HubFixture _f = new();
    private FakeRepo _repo = null!;

    public async Task InitializeAsync()
    {
        _repo = _f.Hub.AddTinyModel(weightsBytes: 10_000);
        await _f.Api.DownloadSnapshotAsync(DemoRepos.TinyModel);
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    private Task<CliResult> Run(params string[] args) => CliRunner.RunAsync(_f, [.. args, "--cache-dir", _f.CacheDirectory]);

    private Task<CliResult> RunAnswering(bool answer, params string[] args) =>
        CliRunner.RunAsync(_f, [.. args, "--cache-dir", _f.CacheDirectory], _ => answer);

    private string RepoFolder => _f.RepoDir("models--demo--tiny-model");

    private string SnapshotOf(string commit) => Path.Combine(RepoFolder, "snapshots", commit);

    private string BlobOf(string repoPath) => new FileInfo(Path.Combine(SnapshotOf(_repo.Head().Sha), repoPath)).ResolveLinkTarget(returnFinalTarget: true)!.FullName;

    [Fact]
    public async Task Scan_prints_a_table_like_hf_cache_scan()
    {
        // Times set well away from "now", so a slow machine cannot move them into another wording. The Xet-backed checkpoint's
        // bytes are in the shared blob store, which the repo's blob links to.
        foreach (string blob in Directory.GetFiles(Path.Combine(RepoFolder, "blobs")).Concat(Directory.GetFiles(Path.Combine(_f.CacheDirectory, "blobs"), "*", SearchOption.AllDirectories)))
        {
            File.SetLastWriteTimeUtc(blob, DateTime.UtcNow.AddDays(-4));
            File.SetLastAccessTimeUtc(blob, DateTime.UtcNow.AddHours(-3));
        }

        CliResult run = await Run("cache", "scan");

        Assert.Equal(0, run.Code);
        Assert.Matches(@"^REPO ID\s+REPO TYPE\s+SIZE ON DISK\s+NB FILES\s+LAST_ACCESSED\s+LAST_MODIFIED\s+REFS\s+LOCAL PATH$", run.OutLines[0]);
        Assert.Matches(@"^demo/tiny-model\s+model\s+\d+\.\d KB\s+5\s+3 hours ago\s+4 days ago\s+main\s+" + System.Text.RegularExpressions.Regex.Escape(RepoFolder) + "$", run.OutLines[1]);
        Assert.Contains("Scanned 1 repo for", Assert.Single(run.OutLines, l => l.StartsWith("Done in ", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.StartsWith("Shared blob store (", run.OutLines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_verbose_has_a_row_per_revision_and_json_has_repos_revisions_and_warnings()
    {
        string head = _repo.Head().Sha;
        File.WriteAllText(Path.Combine(_f.CacheDirectory, "stray.txt"), "?");

        CliResult verbose = await Run("cache", "scan", "--verbose");
        Assert.Equal(0, verbose.Code);
        Assert.Contains(verbose.OutLines, l => l.Contains(head, StringComparison.Ordinal) && l.Contains(SnapshotOf(head), StringComparison.Ordinal));
        Assert.Contains("Got 1 warning while scanning:", verbose.Err, StringComparison.Ordinal);
        Assert.Contains("stray.txt", verbose.Err, StringComparison.Ordinal);

        CliResult json = await Run("cache", "scan", "--json");
        Assert.Equal(0, json.Code);
        using JsonDocument doc = JsonDocument.Parse(json.Out);
        JsonElement repo = Assert.Single(doc.RootElement.GetProperty("repos").EnumerateArray());
        Assert.Equal("demo/tiny-model", repo.GetProperty("repoId").GetString());
        Assert.Equal("model", repo.GetProperty("repoType").GetString());
        Assert.Equal(5, repo.GetProperty("fileCount").GetInt32());
        Assert.Equal(["main"], repo.GetProperty("refs").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(head, Assert.Single(repo.GetProperty("revisions").EnumerateArray()).GetProperty("commit").GetString());
        Assert.Equal("StrayFile", Assert.Single(doc.RootElement.GetProperty("warnings").EnumerateArray()).GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Scan_of_a_missing_folder_is_one_error_line()
    {
        CliResult run = await CliRunner.RunAsync(_f, ["cache", "scan", "--cache-dir", _f.Temp.Combine("nowhere")]);

        Assert.Equal(1, run.Code);
        CliRunner.AssertNoStackTrace(run.Err);
        Assert.StartsWith("error: The cache folder", Assert.Single(run.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_passes_a_healthy_cache_and_fails_a_corrupt_blob_with_exit_code_1()
    {
        CliResult healthy = await Run("cache", "verify");
        Assert.Equal(0, healthy.Code);
        Assert.Contains("No corrupt or missing files.", healthy.Out, StringComparison.Ordinal);
        Assert.Contains("Verified 5 blobs", healthy.Out, StringComparison.Ordinal);
        Assert.Contains("verifying 5 blobs", healthy.Err, StringComparison.Ordinal);

        string blob = BlobOf("onnx/model.onnx");
        File.WriteAllBytes(blob, Bytes.Random(10_000, seed: 99));

        CliResult corrupt = await Run("cache", "verify", DemoRepos.TinyModel);
        Assert.Equal(1, corrupt.Code);
        CliRunner.AssertNoStackTrace(corrupt.Err);
        Assert.Contains(corrupt.OutLines, l => l.StartsWith("corrupt:", StringComparison.Ordinal) && l.Contains(blob, StringComparison.Ordinal));
        Assert.True(File.Exists(blob), "report mode writes nothing");

        CliResult json = await Run("cache", "verify", "--json");
        Assert.Equal(1, json.Code);
        CliRunner.AssertNoStackTrace(json.Err);
        using JsonDocument doc = JsonDocument.Parse(json.Out);
        Assert.False(doc.RootElement.GetProperty("healthy").GetBoolean());
        Assert.Equal(blob, Assert.Single(doc.RootElement.GetProperty("corrupt").EnumerateArray()).GetProperty("path").GetString());
        Assert.Equal("", json.Err);
    }

    [Fact]
    public async Task Verify_can_move_corrupt_blobs_aside_so_the_next_download_fetches_them_again()
    {
        string blob = BlobOf("config.json");
        File.WriteAllText(blob, "{\"tampered\": true}");

        CliResult run = await Run("cache", "verify", "--on-corrupt", "move-aside");

        Assert.Equal(1, run.Code);
        CliRunner.AssertNoStackTrace(run.Err);
        Assert.Contains("moved to", run.Out, StringComparison.Ordinal);
        Assert.Contains("Found 1 corrupt and 0 missing file; the next download fetches it again.", run.Out, StringComparison.Ordinal);
        Assert.False(File.Exists(blob));
        Assert.Equal(0, (await Run("download", DemoRepos.TinyModel, "--quiet")).Code);
        Assert.Equal(0, (await Run("cache", "verify")).Code);
    }

    [Fact]
    public async Task Verify_of_a_repo_not_in_the_cache_is_an_error()
    {
        CliResult run = await Run("cache", "verify", "acme/absent");

        Assert.Equal(1, run.Code);
        CliRunner.AssertNoStackTrace(run.Err);
        Assert.Contains("acme/absent (model) is not in the cache", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_with_yes_removes_the_revision_and_reports_the_bytes_freed()
    {
        string head = _repo.Head().Sha;

        CliResult run = await Run("cache", "delete", head, "--yes");

        Assert.Equal(0, run.Code);
        Assert.Contains("repository      models--demo--tiny-model (every revision)", run.Out, StringComparison.Ordinal);
        Assert.Contains("Will free ", run.Out, StringComparison.Ordinal);
        Assert.Contains(run.OutLines, l => l.StartsWith("Deleted ", StringComparison.Ordinal) && l.Contains("freed", StringComparison.Ordinal));
        Assert.False(Directory.Exists(RepoFolder));
    }

    [Fact]
    public async Task Delete_without_yes_and_without_a_terminal_refuses_and_deletes_nothing()
    {
        CliResult run = await Run("cache", "delete", DemoRepos.TinyModel);

        Assert.Equal(1, run.Code);
        CliRunner.AssertNoStackTrace(run.Err);
        Assert.Contains("Will free ", run.Out, StringComparison.Ordinal);
        Assert.Equal("error: not deleting without confirmation, and there is no terminal to ask on: pass --yes to delete.", run.Err.Trim());
        Assert.True(Directory.Exists(SnapshotOf(_repo.Head().Sha)));
    }

    [Fact]
    public async Task Delete_asks_first_and_a_no_keeps_everything()
    {
        CliResult declined = await RunAnswering(false, "cache", "delete", DemoRepos.TinyModel);
        Assert.Equal(0, declined.Code);
        Assert.Contains("Cancelled: nothing deleted.", declined.Out, StringComparison.Ordinal);
        Assert.True(Directory.Exists(RepoFolder));

        CliResult accepted = await RunAnswering(true, "cache", "delete", DemoRepos.TinyModel);
        Assert.Equal(0, accepted.Code);
        Assert.False(Directory.Exists(RepoFolder));
    }

    [Fact]
    public async Task Delete_of_unknown_revisions_is_an_error()
    {
        CliResult unknownCommit = await Run("cache", "delete", new string('a', 40), "--yes");
        Assert.Equal(1, unknownCommit.Code);
        CliRunner.AssertNoStackTrace(unknownCommit.Err);
        Assert.Contains("warning: revision aaaa", unknownCommit.Err, StringComparison.Ordinal);
        Assert.Contains("error: None of the revisions are in the cache", unknownCommit.Err, StringComparison.Ordinal);

        CliResult notARevision = await Run("cache", "delete", "acme/absent", "--yes");
        Assert.Equal(1, notARevision.Code);
        CliRunner.AssertNoStackTrace(notARevision.Err);
        Assert.Contains("neither a commit hash", notARevision.Err, StringComparison.Ordinal);
        Assert.True(Directory.Exists(RepoFolder));
    }

    [Fact]
    public async Task Delete_by_repo_id_removes_only_that_folder_when_another_casing_holds_the_same_commits()
    {
        string twin = CopyRepoFolder("models--Demo--Tiny-Model");
        string config = File.ReadAllText(Path.Combine(SnapshotOf(_repo.Head().Sha), "config.json"));

        CliResult run = await Run("cache", "delete", DemoRepos.TinyModel, "--yes");

        Assert.Equal(0, run.Code);
        Assert.False(Directory.Exists(RepoFolder));
        Assert.Equal(config, File.ReadAllText(Path.Combine(twin, "snapshots", _repo.Head().Sha, "config.json")));
        Assert.Equal("Demo/Tiny-Model", Assert.Single(HubCache.Scan(_f.CacheDirectory).Repos).RepoId);
    }

    [Fact]
    public async Task Delete_by_a_repo_id_in_another_casing_needs_exactly_one_folder_to_match()
    {
        string twin = CopyRepoFolder("models--Demo--Tiny-Model");

        CliResult ambiguous = await Run("cache", "delete", "DEMO/tiny-MODEL", "--yes");

        Assert.Equal(2, ambiguous.Code);
        CliRunner.AssertNoStackTrace(ambiguous.Err);
        Assert.Contains("'DEMO/tiny-MODEL' matches 2 cached repositories that differ only in case: Demo/Tiny-Model, demo/tiny-model", ambiguous.Err, StringComparison.Ordinal);
        Assert.True(Directory.Exists(RepoFolder));
        Assert.True(Directory.Exists(twin));

        Directory.Delete(twin, recursive: true);
        CliResult single = await Run("cache", "delete", "DEMO/tiny-MODEL", "--yes");

        Assert.Equal(0, single.Code);
        Assert.False(Directory.Exists(RepoFolder));
    }

    [Fact]
    public void A_repo_deletion_plan_names_only_that_folder_and_a_foreign_repo_is_refused()
    {
        CopyRepoFolder("models--Demo--Tiny-Model");
        HubCacheInfo cache = HubCache.Scan(_f.CacheDirectory);

        CacheDeletePlan plan = cache.DeleteRepos(cache.FindRepo(DemoRepos.TinyModel)!);

        Assert.Equal([RepoFolder], plan.Repos);
        Assert.Empty(plan.Snapshots);
        Assert.Empty(plan.Blobs);
        CachedRepo foreign = HubCache.Scan(_f.CacheDirectory).FindRepo("Demo/Tiny-Model")!;
        string otherCache = Directory.CreateDirectory(_f.Temp.Combine("other-cache")).FullName;
        Assert.Throws<ArgumentException>(() => HubCache.Scan(otherCache).DeleteRepos(foreign));
    }

    /// <summary>The same history cached under a second folder name (links copied as links, so the copy stands alone).</summary>
    private string CopyRepoFolder(string name)
    {
        string target = Path.Combine(_f.CacheDirectory, name);
        Copy(new DirectoryInfo(RepoFolder), target);
        return target;

        static void Copy(DirectoryInfo from, string to)
        {
            Directory.CreateDirectory(to);
            foreach (FileSystemInfo entry in from.EnumerateFileSystemInfos())
            {
                string destination = Path.Combine(to, entry.Name);
                if (entry.LinkTarget is { } link) File.CreateSymbolicLink(destination, link);
                else if (entry is DirectoryInfo folder) Copy(folder, destination);
                else File.Copy(entry.FullName, destination);
            }
        }
    }

    [Fact]
    public async Task Prune_removes_detached_revisions_and_stale_partials_after_showing_the_plan()
    {
        string old = _repo.Head().Sha;
        string head = _repo.Commit(c => c.Add("config.json", "{\"model_type\": \"bert\", \"hidden_size\": 64}\n")).Sha;
        await _f.Api.DownloadSnapshotAsync(DemoRepos.TinyModel);
        string partial = Path.Combine(RepoFolder, "blobs", new string('b', 64) + ".incomplete");
        File.WriteAllBytes(partial, new byte[123]);
        File.SetLastWriteTimeUtc(partial, DateTime.UtcNow.AddHours(-3));

        CliResult dryRun = await Run("cache", "prune", "--older-than", "2h", "--dry-run");
        Assert.Equal(0, dryRun.Code);
        Assert.Contains($"revision        {Path.Combine("models--demo--tiny-model", "snapshots", old)}", dryRun.Out, StringComparison.Ordinal);
        Assert.Contains("partial         ", dryRun.Out, StringComparison.Ordinal);
        Assert.Contains("Dry run: nothing deleted.", dryRun.Out, StringComparison.Ordinal);
        Assert.True(Directory.Exists(SnapshotOf(old)));

        CliResult run = await Run("cache", "prune", "--older-than", "2h", "--yes");
        Assert.Equal(0, run.Code);
        Assert.False(Directory.Exists(SnapshotOf(old)));
        Assert.False(File.Exists(partial));
        Assert.True(Directory.Exists(SnapshotOf(head)));
        Assert.Equal(0, (await Run("cache", "verify")).Code);
    }

    [Fact]
    public async Task Prune_keeps_recent_partials_and_detached_revisions_when_asked()
    {
        _repo.Commit(c => c.Add("README.md", "changed\n"));
        await _f.Api.DownloadSnapshotAsync(DemoRepos.TinyModel);

        CliResult run = await Run("cache", "prune", "--keep-detached", "--yes");

        Assert.Equal(0, run.Code);
        Assert.Equal("Nothing to delete.", Assert.Single(run.OutLines));
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("-3d")]
    public async Task Prune_rejects_durations_it_cannot_read(string duration)
    {
        CliResult run = await Run("cache", "prune", "--older-than", duration, "--yes");

        Assert.Equal(2, run.Code);
        CliRunner.AssertNoStackTrace(run.Err);
        Assert.Contains("Cannot read", run.Err, StringComparison.Ordinal);
    }
}
