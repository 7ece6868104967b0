using System.Text.Json;

namespace HubClient.Tests.Snapshots;

public sealed class SnapshotDownloadTests : IAsyncLifetime
{
    private const string Repo = "acme/tiny-model";
    private static readonly byte[] Weights = Bytes.Random(300_000, seed: 3);
    private static readonly byte[] Adapter = Bytes.Random(5_000, seed: 4);
    private static readonly string[] AllFiles =
        ["README.md", "config.json", "model.safetensors", "onnx/model.onnx", "onnx/quantized/model_q4.onnx", "adapters/lora.bin"];

    private readonly HubFixture _f = new();
    private FakeCommit _commit = null!;

    public Task InitializeAsync()
    {
        _commit = _f.Hub.AddRepo(Repo).Commit(c => c
            .Add("README.md", "# tiny")
            .Add("config.json", "{\"hidden_size\": 8}")
            .AddLfs("model.safetensors", Weights)
            .Add("onnx/model.onnx", "onnx")
            .Add("onnx/quantized/model_q4.onnx", "q4")
            .AddLfs("adapters/lora.bin", Adapter));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    private string RepoDir => _f.RepoDir("models--acme--tiny-model");

    private string SnapshotDir => Path.Combine(RepoDir, "snapshots", _commit.Sha);

    [Fact]
    public async Task Downloads_every_file_pinned_to_the_commit_with_one_GET_each_and_no_HEAD()
    {
        string folder = await _f.Api.DownloadSnapshotAsync(Repo);

        Assert.Equal(SnapshotDir, folder);
        AssertFiles(folder, AllFiles);
        Assert.Equal(_commit.Sha, File.ReadAllText(Path.Combine(RepoDir, "refs", "main")));
        Assert.DoesNotContain(_f.Hub.Requests, r => r.Method == "HEAD");
        FakeHubRequest[] api = _f.Hub.Requests.Where(RequestFilters.Api).ToArray();
        Assert.Equal(["/api/models/acme/tiny-model/revision/main", $"/api/models/acme/tiny-model/tree/{_commit.Sha}"], api.Select(r => r.Path));
        FakeHubRequest[] resolves = _f.Hub.Requests.Where(r => r.Path.Contains("/resolve/", StringComparison.Ordinal)).ToArray();
        Assert.Equal(AllFiles.Order(), resolves.Select(r => Uri.UnescapeDataString(r.Path[(r.Path.IndexOf(_commit.Sha, StringComparison.Ordinal) + 41)..])).Order());
        Assert.All(resolves, r => Assert.Equal("GET", r.Method));
        Assert.Equal(2, _f.Hub.Requests.Count(r => r.IsCdn)); // the two LFS files, after their redirect
    }

    [Fact]
    public async Task Small_files_are_published_without_lock_files_or_temp_files_left_behind()
    {
        await _f.Api.DownloadSnapshotAsync(Repo);

        string locks = Path.Combine(_f.CacheDirectory, ".locks", "models--acme--tiny-model");
        Assert.False(Directory.Exists(locks) && Directory.EnumerateFiles(locks).Any());
        Assert.Equal(_commit.Files.Values.Select(f => f.Etag).Order(), Directory.GetFiles(Path.Combine(RepoDir, "blobs")).Select(Path.GetFileName).Order());
        Assert.All(AllFiles, p => Assert.NotNull(new FileInfo(Path.Combine([SnapshotDir, .. p.Split('/')])).LinkTarget));
    }

    [Fact]
    public async Task Listing_is_cached_in_python_format_under_trees()
    {
        await _f.Api.DownloadSnapshotAsync(Repo);

        using JsonDocument tree = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(RepoDir, "trees", _commit.Sha + ".json")));
        Assert.Equal(1, tree.RootElement.GetProperty("format_version").GetInt32());
        JsonElement weights = tree.RootElement.GetProperty("files").GetProperty("model.safetensors");
        Assert.Equal(Bytes.Sha256(Weights), weights.GetProperty("lfs_sha256").GetString());
        Assert.Equal(_commit.Files["model.safetensors"].GitSha1, weights.GetProperty("blob_id").GetString());
        Assert.Equal(Weights.Length, weights.GetProperty("size").GetInt64());
    }

    [Fact]
    public async Task Allow_and_ignore_patterns_select_the_files()
    {
        string folder = await _f.Api.DownloadSnapshotAsync(Repo, new SnapshotDownloadOptions
        {
            AllowPatterns = ["*.onnx", "*.json"],
            IgnorePatterns = ["onnx/quantized/"],
        });

        AssertFiles(folder, ["config.json", "onnx/model.onnx"]);
        Assert.False(File.Exists(Path.Combine(folder, "model.safetensors")));
        Assert.False(File.Exists(Path.Combine(folder, "onnx", "quantized", "model_q4.onnx")));
    }

    [Fact]
    public async Task Second_call_on_a_branch_costs_one_api_request_and_no_transfer()
    {
        await _f.Api.DownloadSnapshotAsync(Repo);
        _f.Hub.ClearRequests();

        string folder = await _f.Api.DownloadSnapshotAsync(Repo);

        FakeHubRequest only = Assert.Single(_f.Hub.Requests);
        Assert.Equal("/api/models/acme/tiny-model/revision/main", only.Path);
        AssertFiles(folder, AllFiles);
    }

    [Fact]
    public async Task Commit_revision_fully_cached_makes_no_request()
    {
        await _f.Api.DownloadSnapshotAsync(Repo);
        _f.Hub.ClearRequests();

        string folder = await _f.Api.DownloadSnapshotAsync(Repo, new SnapshotDownloadOptions { Revision = _commit.Sha });

        Assert.Empty(_f.Hub.Requests);
        Assert.Equal(SnapshotDir, folder);
    }

    [Fact]
    public async Task Files_already_cached_by_single_downloads_are_not_transferred_again()
    {
        await _f.Api.DownloadFileAsync(Repo, "model.safetensors");
        _f.Hub.ClearRequests();

        await _f.Api.DownloadSnapshotAsync(Repo);

        Assert.DoesNotContain(_f.Hub.Requests, r => r.IsCdn && r.Path.EndsWith("/model.safetensors", StringComparison.Ordinal));
        Assert.DoesNotContain(_f.Hub.Requests, r => r.Path.EndsWith("/resolve/" + _commit.Sha + "/model.safetensors", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Offline_complete_snapshot_is_returned_without_any_request()
    {
        await _f.Api.DownloadSnapshotAsync(Repo);
        _f.Hub.ClearRequests();
        using HubApi offline = _f.NewClient(o => o.Offline = true);

        string folder = await offline.DownloadSnapshotAsync(Repo);

        Assert.Empty(_f.Hub.Requests);
        Assert.Equal(SnapshotDir, folder);
        AssertFiles(folder, AllFiles);
    }

    [Fact]
    public async Task Offline_incomplete_snapshot_throws_LocalEntryNotFound_listing_the_missing_files()
    {
        await _f.Api.DownloadSnapshotAsync(Repo, new SnapshotDownloadOptions { AllowPatterns = ["*.json", "*.md"] });
        _f.Hub.ClearRequests();

        var e = await Assert.ThrowsAsync<LocalEntryNotFoundException>(() =>
            _f.Api.DownloadSnapshotAsync(Repo, new SnapshotDownloadOptions { LocalFilesOnly = true }));

        Assert.Empty(_f.Hub.Requests);
        Assert.Equal(["adapters/lora.bin", "model.safetensors", "onnx/model.onnx", "onnx/quantized/model_q4.onnx"], e.MissingPaths.Order());
        Assert.Contains("4 file(s) missing", e.Message, StringComparison.Ordinal);
        // The subset that is complete is still served offline.
        string folder = await _f.Api.DownloadSnapshotAsync(Repo, new SnapshotDownloadOptions { LocalFilesOnly = true, AllowPatterns = ["*.json"] });
        AssertFiles(folder, ["config.json"]);
    }

    [Fact]
    public async Task Offline_without_the_revision_in_the_cache_throws_LocalEntryNotFound()
    {
        var e = await Assert.ThrowsAsync<LocalEntryNotFoundException>(() =>
            _f.Api.DownloadSnapshotAsync(Repo, new SnapshotDownloadOptions { LocalFilesOnly = true }));

        Assert.Contains("not in the cache", e.Message, StringComparison.Ordinal);
        Assert.Empty(_f.Hub.Requests);
    }

    [Fact]
    public async Task Unreachable_hub_falls_back_to_a_complete_cache_and_otherwise_reports_what_is_missing()
    {
        await _f.Api.DownloadSnapshotAsync(Repo, new SnapshotDownloadOptions { AllowPatterns = ["config.json"] });
        using HubApi unreachable = _f.UnreachableClient();

        string folder = await unreachable.DownloadSnapshotAsync(Repo, new SnapshotDownloadOptions { AllowPatterns = ["config.json"] });
        AssertFiles(folder, ["config.json"]);

        var e = await Assert.ThrowsAsync<LocalEntryNotFoundException>(() => unreachable.DownloadSnapshotAsync(Repo));
        Assert.IsType<HttpRequestException>(e.InnerException);
        Assert.Equal(5, e.MissingPaths.Count);
    }

    [Fact]
    public async Task Two_clients_snapshotting_the_same_repo_at_once_both_get_it_intact()
    {
        Func<FakeHubRequest, bool> download = RequestFilters.Download("model.safetensors");
        _f.Hub.InjectFault(FakeFault.Drip(16_384, TimeSpan.FromMilliseconds(1)), r => r.IsCdn && download(r), times: 2);
        using HubApi other = _f.NewClient();

        string[] folders = await Task.WhenAll(_f.Api.DownloadSnapshotAsync(Repo), other.DownloadSnapshotAsync(Repo));

        Assert.Equal(folders[0], folders[1]);
        AssertFiles(folders[0], AllFiles);
        string[] blobs = Directory.GetFiles(Path.Combine(RepoDir, "blobs")).Select(Path.GetFileName).ToArray()!;
        Assert.Equal(_commit.Files.Values.Select(f => f.Etag).Order(), blobs.Order());
    }

    [Fact]
    public async Task Progress_adds_up_bytes_and_files_across_concurrent_downloads()
    {
        await _f.Api.DownloadFileAsync(Repo, "config.json"); // one file already cached counts as done
        var reports = new List<SnapshotProgress>();

        await _f.Api.DownloadSnapshotAsync(Repo, new SnapshotDownloadOptions { Progress = new SynchronousProgress<SnapshotProgress>(reports.Add) });

        long total = _commit.Files.Values.Sum(f => f.Size);
        Assert.Equal(new SnapshotProgress(0, total, 0, AllFiles.Length), reports[0]);
        Assert.Equal(new SnapshotProgress(total, total, AllFiles.Length, AllFiles.Length), reports[^1]);
        Assert.True(reports.Select(r => r.FilesCompleted).SequenceEqual(reports.Select(r => r.FilesCompleted).Order()));
        Assert.All(reports, r => Assert.InRange(r.BytesDownloaded, 0, total));
    }

    [Fact]
    public async Task Local_directory_mode_places_files_with_metadata_and_the_next_call_transfers_nothing()
    {
        string dir = _f.Temp.Combine("local");

        string folder = await _f.Api.DownloadSnapshotAsync(Repo, new SnapshotDownloadOptions { LocalDirectory = dir });

        Assert.Equal(dir, folder);
        AssertFiles(dir, AllFiles);
        string[] metadata = File.ReadAllLines(Path.Combine(dir, ".cache", "huggingface", "download", "onnx", "model.onnx.metadata"));
        Assert.Equal([_commit.Sha, _commit.Files["onnx/model.onnx"].GitSha1], metadata[..2]);
        Assert.True(File.Exists(Path.Combine(dir, ".cache", "huggingface", "trees", _commit.Sha + ".json")));
        Assert.False(Directory.Exists(Path.Combine(RepoDir, "snapshots")));
        _f.Hub.ClearRequests();

        await _f.Api.DownloadSnapshotAsync(Repo, new SnapshotDownloadOptions { LocalDirectory = dir });

        Assert.DoesNotContain(_f.Hub.Requests, r => r.Method == "GET" && !RequestFilters.Api(r));
        using HubApi offline = _f.NewClient(o => o.Offline = true);
        Assert.Equal(dir, await offline.DownloadSnapshotAsync(Repo, new SnapshotDownloadOptions { LocalDirectory = dir }));
    }

    /// <summary>
    /// Offline, with a cache that does not know the revision (another HF_HOME, or a cleaned cache), a local directory that
    /// holds files is returned as it is, as huggingface_hub's snapshot_download does (_snapshot_download.py: "Returning
    /// existing local_dir"); an empty one is still not found.
    /// </summary>
    [Fact]
    public async Task Offline_local_directory_is_returned_when_the_cache_does_not_know_the_revision()
    {
        string dir = _f.Temp.Combine("local");
        await _f.Api.DownloadSnapshotAsync(Repo, new SnapshotDownloadOptions { LocalDirectory = dir });
        using HubApi other = _f.NewClient(o => o.CacheDirectory = _f.Temp.Combine("other-cache"));

        string folder = await other.DownloadSnapshotAsync(Repo, new SnapshotDownloadOptions { LocalDirectory = dir, LocalFilesOnly = true });

        Assert.Equal(Path.GetFullPath(dir), folder);
        string empty = _f.Temp.Combine("empty");
        Directory.CreateDirectory(empty);
        await Assert.ThrowsAsync<LocalEntryNotFoundException>(() =>
            other.DownloadSnapshotAsync(Repo, new SnapshotDownloadOptions { LocalDirectory = empty, LocalFilesOnly = true }));
    }

    /// <summary>
    /// Offline, a local directory whose file the user edited (another size) is complete: huggingface_hub's completeness
    /// check asks only whether each listed file exists (_local_file_exists). A missing file still makes it incomplete.
    /// </summary>
    [Fact]
    public async Task Offline_local_directory_with_an_edited_file_is_returned_and_one_with_a_missing_file_is_not()
    {
        string dir = _f.Temp.Combine("local");
        await _f.Api.DownloadSnapshotAsync(Repo, new SnapshotDownloadOptions { LocalDirectory = dir });
        await File.WriteAllTextAsync(Path.Combine(dir, "config.json"), "{\"edited_by_user\":true}");

        string folder = await _f.Api.DownloadSnapshotAsync(Repo, new SnapshotDownloadOptions { LocalDirectory = dir, LocalFilesOnly = true });

        Assert.Contains("edited_by_user", await File.ReadAllTextAsync(Path.Combine(folder, "config.json")), StringComparison.Ordinal);
        File.Delete(Path.Combine(dir, "config.json"));
        var e = await Assert.ThrowsAsync<LocalEntryNotFoundException>(() =>
            _f.Api.DownloadSnapshotAsync(Repo, new SnapshotDownloadOptions { LocalDirectory = dir, LocalFilesOnly = true }));
        Assert.Contains("config.json", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Corrupted_file_fails_its_hash_and_is_not_published()
    {
        Func<FakeHubRequest, bool> download = RequestFilters.Download("adapters/lora.bin");
        _f.Hub.InjectFault(FakeFault.CorruptByte(10), r => r.IsCdn && download(r));

        var e = await Assert.ThrowsAsync<HubIntegrityException>(() => _f.Api.DownloadSnapshotAsync(Repo));

        Assert.Equal("adapters/lora.bin", e.Path);
        Assert.False(File.Exists(Path.Combine(SnapshotDir, "adapters", "lora.bin")));
        Assert.False(File.Exists(Path.Combine(RepoDir, "blobs", Bytes.Sha256(Adapter))));
    }

    [Fact]
    public async Task Unknown_revision_throws_RevisionNotFound()
    {
        await Assert.ThrowsAsync<RevisionNotFoundException>(() =>
            _f.Api.DownloadSnapshotAsync(Repo, new SnapshotDownloadOptions { Revision = "no-such-branch" }));
    }

    [Fact]
    public async Task Missing_repo_throws_RepositoryNotFound_rather_than_not_cached()
    {
        await Assert.ThrowsAsync<RepositoryNotFoundException>(() => _f.Api.DownloadSnapshotAsync("acme/nope"));
    }

    [Fact]
    public async Task Paginated_listing_is_read_to_the_end()
    {
        _f.Hub.TreePageSize = 2;

        string folder = await _f.Api.DownloadSnapshotAsync(Repo);

        AssertFiles(folder, AllFiles);
        Assert.True(_f.Hub.Requests.Count(r => r.Path.Contains("/tree/", StringComparison.Ordinal)) > 3);
    }

    [Fact]
    public async Task Large_file_in_a_snapshot_goes_in_parallel_ranges_after_one_resolve()
    {
        using HubApi api = _f.NewClient(o => o.Transfer = new TransferOptions { ParallelThreshold = 64 * 1024, ChunkSize = 32 * 1024, MaxConnections = 4 });

        string folder = await api.DownloadSnapshotAsync(Repo, new SnapshotDownloadOptions { AllowPatterns = ["model.safetensors"] });

        Assert.Equal(Weights, await File.ReadAllBytesAsync(Path.Combine(folder, "model.safetensors")));
        Assert.Single(_f.Hub.Requests, r => r.Path.Contains("/resolve/", StringComparison.Ordinal));
        FakeHubRequest[] ranges = _f.Hub.Requests.Where(r => r.IsCdn).ToArray();
        Assert.Equal((Weights.Length + (32 * 1024) - 1) / (32 * 1024), ranges.Length);
        Assert.All(ranges, r => Assert.Equal(206, r.StatusCode));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task Invalid_concurrency_is_rejected_before_any_request(int maxConcurrency)
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            _f.Api.DownloadSnapshotAsync(Repo, new SnapshotDownloadOptions { MaxConcurrency = maxConcurrency }));
        Assert.Empty(_f.Hub.Requests);
    }

    private void AssertFiles(string folder, string[] paths)
    {
        foreach (string path in paths)
        {
            string file = Path.Combine([folder, .. path.Split('/')]);
            Assert.True(File.Exists(file), $"{path} is missing");
            Assert.Equal(_commit.Files[path].Content, File.ReadAllBytes(file));
        }
    }

    /// <summary>
    /// A cache filled file by file (transformers' <c>hf_hub_download</c> calls, older clients) holds no
    /// <c>trees/{commit}.json</c>: offline, huggingface_hub returns the snapshot folder as it is (it cannot check it), and so
    /// does HubClient.
    /// </summary>
    [Fact]
    public async Task Offline_snapshot_without_a_cached_file_list_is_returned_as_it_is()
    {
        await _f.Api.DownloadFileAsync(Repo, "config.json");
        await _f.Api.DownloadFileAsync(Repo, "onnx/model.onnx");
        Assert.False(Directory.Exists(Path.Combine(RepoDir, "trees")));
        _f.Hub.ClearRequests();
        using HubApi offline = _f.NewClient(o => o.Offline = true);

        string folder = await offline.DownloadSnapshotAsync(Repo);

        Assert.Equal(SnapshotDir, folder);
        AssertFiles(folder, ["config.json", "onnx/model.onnx"]);
        Assert.Empty(_f.Hub.Requests);
        // A plan needs the file list: it cannot be made offline from the folder alone.
        var e = await Assert.ThrowsAsync<LocalEntryNotFoundException>(() => offline.PlanSnapshotDownloadAsync(Repo));
        Assert.Contains("not cached", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Offline_snapshot_without_a_cached_file_list_and_no_files_is_not_found()
    {
        Directory.CreateDirectory(SnapshotDir); // what an interrupted first download leaves
        Directory.CreateDirectory(Path.Combine(RepoDir, "refs"));
        File.WriteAllText(Path.Combine(RepoDir, "refs", "main"), _commit.Sha);

        var e = await Assert.ThrowsAsync<LocalEntryNotFoundException>(() =>
            _f.Api.DownloadSnapshotAsync(Repo, new SnapshotDownloadOptions { LocalFilesOnly = true }));

        Assert.Contains("not cached", e.Message, StringComparison.Ordinal);
        Assert.Empty(_f.Hub.Requests);
    }

    /// <summary>
    /// A snapshot asks the resolve URL with a GET and is redirected to the CDN: a fault on the bytes chosen with
    /// <see cref="RequestFilters.Download"/> must reach the CDN GET, not be spent on the 302 (as in the README's example).
    /// </summary>
    [Fact]
    public async Task A_fault_on_a_files_bytes_reaches_the_cdn_get_of_a_snapshot_not_its_redirect()
    {
        FaultRule drop = _f.Hub.InjectFault(FakeFault.DropAfter(70_000), RequestFilters.Download("model.safetensors"));

        string folder = await _f.Api.DownloadSnapshotAsync(Repo);

        Assert.Equal(Weights, await File.ReadAllBytesAsync(Path.Combine(folder, "model.safetensors")));
        Assert.Equal(1, drop.Hits);
        FakeHubRequest[] cdn = [.. _f.Hub.Requests.Where(r => r.IsCdn && r.Path.Contains(Bytes.Sha256(Weights), StringComparison.Ordinal))];
        Assert.Equal(2, cdn.Length);
        Assert.Same(drop.Fault, cdn[0].Fault);
        Assert.StartsWith("bytes=", cdn[1].Range, StringComparison.Ordinal); // resumed after the drop
    }

    /// <summary>
    /// A listing HubClient refuses (here a file name with a tab, which it never joins to a folder) with nothing cached is
    /// reported as the hub's answer refused, not as a hub that could not be reached: every request was answered.
    /// </summary>
    [Fact]
    public async Task A_refused_listing_is_not_reported_as_an_unreachable_hub()
    {
        _f.Hub.AddRepo("acme/odd-names").Commit(c => c.Add("config.json", "{}").Add("notes/tab\there.txt", "t"));

        LocalEntryNotFoundException e = await Assert.ThrowsAsync<LocalEntryNotFoundException>(() =>
            _f.Api.DownloadSnapshotAsync("acme/odd-names", new SnapshotDownloadOptions { AllowPatterns = ["*.json"] }));

        Assert.IsType<HubProtocolException>(e.InnerException);
        Assert.Contains("the hub's answer was refused", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("could not be reached", e.Message, StringComparison.Ordinal);
    }
}
