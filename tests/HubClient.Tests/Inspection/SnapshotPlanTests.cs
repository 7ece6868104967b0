namespace HubClient.Tests.Inspection;

public sealed class SnapshotPlanTests : IAsyncLifetime
{
    private const string Repo = "acme/planned";
    private static readonly byte[] Weights = Bytes.Random(500_000);
    private readonly HubFixture _f = new();
    private FakeCommit _commit = null!;

    public Task InitializeAsync()
    {
        _commit = _f.Hub.AddRepo(Repo).Commit(c => c
            .Add("config.json", "{\"a\": 1}")
            .Add("docs/README.md", "# hi")
            .AddLfs("model.safetensors", Weights));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    private static string[] Snapshot(string root) =>
        Directory.Exists(root) ? Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Order().ToArray() : [];

    [Fact]
    public async Task Plan_lists_files_sizes_and_writes_nothing()
    {
        SnapshotDownloadPlan plan = await _f.Api.PlanSnapshotDownloadAsync(Repo);

        Assert.Equal(_commit.Sha, plan.CommitHash);
        Assert.Equal(["config.json", "docs/README.md", "model.safetensors"], plan.Files.Select(f => f.Path));
        Assert.Equal([8L, 4L, 500_000L], plan.Files.Select(f => f.Size));
        Assert.All(plan.Files, f => Assert.True(f.WillDownload && !f.IsCached));
        Assert.Equal(500_012, plan.BytesToDownload);
        Assert.Equal(3, plan.FilesToDownload);
        Assert.Equal(Path.Combine(_f.CacheDirectory, "models--acme--planned", "snapshots", _commit.Sha, "docs", "README.md"), plan.Files[1].LocalPath);
        Assert.False(Directory.Exists(_f.CacheDirectory), "a plan writes nothing");
        Assert.DoesNotContain(_f.Hub.Requests, r => r.Path.Contains("/resolve/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cached_files_are_not_planned_for_download_unless_forced()
    {
        await _f.Api.DownloadFileAsync(Repo, "model.safetensors");
        string[] before = Snapshot(_f.CacheDirectory);

        SnapshotDownloadPlan plan = await _f.Api.PlanSnapshotDownloadAsync(Repo);
        SnapshotDownloadPlan forced = await _f.Api.PlanSnapshotDownloadAsync(Repo, new SnapshotDownloadOptions { ForceDownload = true });

        PlannedFile weights = plan.Files.Single(f => f.Path == "model.safetensors");
        Assert.True(weights.IsCached);
        Assert.False(weights.WillDownload);
        Assert.Equal(12, plan.BytesToDownload);
        Assert.Equal(2, plan.FilesToDownload);
        Assert.Equal(500_012, forced.BytesToDownload);
        Assert.True(forced.Files.Single(f => f.Path == "model.safetensors").IsCached);
        Assert.Equal(before, Snapshot(_f.CacheDirectory));
    }

    [Fact]
    public async Task Entry_of_the_wrong_size_counts_as_not_cached()
    {
        string path = await _f.Api.DownloadFileAsync(Repo, "config.json");
        string blob = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, File.ResolveLinkTarget(path, true)?.FullName ?? path));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(blob, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(blob, "{}");

        SnapshotDownloadPlan plan = await _f.Api.PlanSnapshotDownloadAsync(Repo);

        Assert.False(plan.Files.Single(f => f.Path == "config.json").IsCached);
    }

    [Fact]
    public async Task Plan_follows_the_patterns_a_download_would()
    {
        SnapshotDownloadPlan plan = await _f.Api.PlanSnapshotDownloadAsync(Repo, new SnapshotDownloadOptions { AllowPatterns = ["*.json", "docs/"], IgnorePatterns = ["*.md"] });

        Assert.Equal(["config.json"], plan.Files.Select(f => f.Path));
    }

    [Fact]
    public async Task Plan_matches_what_the_download_then_fetches()
    {
        await _f.Api.DownloadFileAsync(Repo, "config.json");
        SnapshotDownloadPlan plan = await _f.Api.PlanSnapshotDownloadAsync(Repo);
        _f.Hub.ClearRequests();

        await _f.Api.DownloadSnapshotAsync(Repo);

        string[] fetched = _f.Hub.Requests.Where(r => r.Method == "GET" && (r.IsCdn || r.Path.Contains("/resolve/", StringComparison.Ordinal)) && r.StatusCode is 200 or 206)
            .Select(r => r.Path.Split('/')[^1]).Distinct().Order().ToArray();
        Assert.Equal(plan.Files.Where(f => f.WillDownload).Select(f => f.Path.Split('/')[^1]).Order(), fetched);
    }

    [Fact]
    public async Task Offline_plan_uses_the_cache_only()
    {
        await _f.Api.DownloadSnapshotAsync(Repo, new SnapshotDownloadOptions { AllowPatterns = ["*.json"] });
        using HubApi offline = _f.NewClient(o => o.Offline = true);
        _f.Hub.ClearRequests();

        SnapshotDownloadPlan plan = await offline.PlanSnapshotDownloadAsync(Repo);

        Assert.Equal(_commit.Sha, plan.CommitHash);
        Assert.Equal(["docs/README.md", "model.safetensors"], plan.Files.Where(f => f.WillDownload).Select(f => f.Path));
        Assert.Empty(_f.Hub.Requests);
        await Assert.ThrowsAsync<LocalEntryNotFoundException>(() => offline.PlanSnapshotDownloadAsync("acme/never-seen"));
    }

    [Fact]
    public async Task Local_directory_plan_checks_the_files_there()
    {
        string local = _f.Temp.Combine("local");
        await _f.Api.DownloadSnapshotAsync(Repo, new SnapshotDownloadOptions { LocalDirectory = local, AllowPatterns = ["config.json"] });

        SnapshotDownloadPlan plan = await _f.Api.PlanSnapshotDownloadAsync(Repo, new SnapshotDownloadOptions { LocalDirectory = local });

        Assert.Equal(["docs/README.md", "model.safetensors"], plan.Files.Where(f => f.WillDownload).Select(f => f.Path));
        Assert.Equal(Path.Combine(local, "config.json"), plan.Files[0].LocalPath);
    }

    [Fact]
    public async Task Plan_with_the_hub_unreachable_answers_from_the_cache_as_the_download_does()
    {
        await _f.Api.DownloadSnapshotAsync(Repo, new SnapshotDownloadOptions { AllowPatterns = ["*.json"] });
        using HubApi unreachable = _f.UnreachableClient();

        SnapshotDownloadPlan plan = await unreachable.PlanSnapshotDownloadAsync(Repo);

        Assert.Equal(_commit.Sha, plan.CommitHash);
        Assert.Equal(["docs/README.md", "model.safetensors"], plan.Files.Where(f => f.WillDownload).Select(f => f.Path));
        var e = await Assert.ThrowsAsync<LocalEntryNotFoundException>(() => unreachable.PlanSnapshotDownloadAsync("acme/never-seen"));
        Assert.IsType<HttpRequestException>(e.InnerException);
    }

    [Fact]
    public async Task Local_directory_file_unchanged_since_an_older_commit_is_in_place_as_the_download_finds_it()
    {
        string local = _f.Temp.Combine("local");
        await _f.Api.DownloadSnapshotAsync(Repo, new SnapshotDownloadOptions { LocalDirectory = local });
        FakeCommit next = _f.Hub.FindRepo(Repo)!.Commit(c => c.Add("config.json", "{\"a\": 2}"));
        string metadata = File.ReadAllText(Path.Combine(local, ".cache", "huggingface", "download", "model.safetensors.metadata"));

        SnapshotDownloadPlan plan = await _f.Api.PlanSnapshotDownloadAsync(Repo, new SnapshotDownloadOptions { LocalDirectory = local });
        Assert.Equal(next.Sha, plan.CommitHash);
        Assert.Equal(["config.json"], plan.Files.Where(f => f.WillDownload).Select(f => f.Path));
        Assert.Equal(metadata, File.ReadAllText(Path.Combine(local, ".cache", "huggingface", "download", "model.safetensors.metadata")));

        _f.Hub.ClearRequests();
        await _f.Api.DownloadSnapshotAsync(Repo, new SnapshotDownloadOptions { LocalDirectory = local });
        Assert.Equal(["config.json"], _f.Hub.Requests.Where(r => r.Method == "GET" && r.Path.Contains("/resolve/", StringComparison.Ordinal)).Select(r => r.Path.Split('/')[^1]));
    }

    [Fact]
    public async Task Bad_input_throws_typed_errors()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _f.Api.PlanSnapshotDownloadAsync("bad//id"));
        await Assert.ThrowsAsync<RepositoryNotFoundException>(() => _f.Api.PlanSnapshotDownloadAsync("acme/none"));
        await Assert.ThrowsAsync<RevisionNotFoundException>(() => _f.Api.PlanSnapshotDownloadAsync(Repo, new SnapshotDownloadOptions { Revision = "nope" }));
    }
}
