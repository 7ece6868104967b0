namespace HubClient.Tests.Downloads;

public sealed class FileDownloadTests : IAsyncLifetime
{
    private const string Repo = "acme/tiny-model";
    private static readonly byte[] Weights = Bytes.Random(300_000);
    private readonly HubFixture _f = new();
    private FakeCommit _commit = null!;

    public Task InitializeAsync()
    {
        _commit = _f.Hub.AddRepo(Repo).Commit(c => c
            .Add("config.json", "{\"hidden_size\": 8}")
            .Add("nested/dir/tokenizer.json", "{\"vocab\": []}")
            .AddLfs("model.safetensors", Weights));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    private string RepoDir => _f.RepoDir("models--acme--tiny-model");

    [Fact]
    public async Task First_download_returns_verified_file_under_snapshots_of_the_commit()
    {
        string path = await _f.Api.DownloadFileAsync(Repo, "config.json");

        Assert.Equal(Path.Combine(RepoDir, "snapshots", _commit.Sha, "config.json"), path);
        Assert.Equal("{\"hidden_size\": 8}", Bytes.Text(path));
        Assert.Equal(_commit.Sha, File.ReadAllText(Path.Combine(RepoDir, "refs", "main")));
        Assert.True(File.Exists(Path.Combine(RepoDir, "blobs", _commit.Files["config.json"].GitSha1)));
    }

    [Fact]
    public async Task Lfs_file_comes_from_the_cdn_and_is_named_by_its_sha256()
    {
        string path = await _f.Api.DownloadFileAsync(Repo, "model.safetensors");

        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        Assert.True(File.Exists(Path.Combine(RepoDir, "blobs", Bytes.Sha256(Weights))));
        Assert.Contains(_f.Hub.Requests, r => r.IsCdn && r.Method == "GET");
    }

    [Fact]
    public async Task Second_call_for_a_cached_file_makes_exactly_one_HEAD()
    {
        await _f.Api.DownloadFileAsync(Repo, "model.safetensors");
        _f.Hub.ClearRequests();

        string path = await _f.Api.DownloadFileAsync(Repo, "model.safetensors");

        FakeHubRequest only = Assert.Single(_f.Hub.Requests);
        Assert.Equal("HEAD", only.Method);
        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task Commit_hash_revision_already_cached_makes_no_request()
    {
        await _f.Api.DownloadFileAsync(Repo, "config.json");
        _f.Hub.ClearRequests();

        string path = await _f.Api.DownloadFileAsync(Repo, "config.json", new DownloadFileOptions { Revision = _commit.Sha });

        Assert.Empty(_f.Hub.Requests);
        Assert.Equal(Path.Combine(RepoDir, "snapshots", _commit.Sha, "config.json"), path);
    }

    [Fact]
    public async Task Offline_returns_the_cached_file_through_refs_without_any_request()
    {
        await _f.Api.DownloadFileAsync(Repo, "nested/dir/tokenizer.json");
        _f.Hub.ClearRequests();
        using HubApi offline = _f.NewClient(o => o.Offline = true);

        string path = await offline.DownloadFileAsync(Repo, "nested/dir/tokenizer.json");

        Assert.Empty(_f.Hub.Requests);
        Assert.Equal("{\"vocab\": []}", Bytes.Text(path));
    }

    [Fact]
    public async Task Offline_miss_throws_LocalEntryNotFound_without_any_request()
    {
        await _f.Api.DownloadFileAsync(Repo, "config.json");
        _f.Hub.ClearRequests();

        var e = await Assert.ThrowsAsync<LocalEntryNotFoundException>(() =>
            _f.Api.DownloadFileAsync(Repo, "model.safetensors", new DownloadFileOptions { LocalFilesOnly = true }));

        Assert.Empty(_f.Hub.Requests);
        Assert.Equal(["model.safetensors"], e.MissingPaths);
    }

    [Fact]
    public async Task Known_missing_file_is_remembered_in_no_exist_and_reported_offline()
    {
        await Assert.ThrowsAsync<EntryNotFoundException>(() => _f.Api.DownloadFileAsync(Repo, "missing.txt"));
        Assert.True(File.Exists(Path.Combine(RepoDir, ".no_exist", _commit.Sha, "missing.txt")));

        var e = await Assert.ThrowsAsync<LocalEntryNotFoundException>(() =>
            _f.Api.DownloadFileAsync(Repo, "missing.txt", new DownloadFileOptions { LocalFilesOnly = true }));
        Assert.Contains("does not exist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_hub_falls_back_to_the_cache_and_otherwise_throws_LocalEntryNotFound()
    {
        await _f.Api.DownloadFileAsync(Repo, "config.json");
        using HubApi unreachable = _f.UnreachableClient();

        string cached = await unreachable.DownloadFileAsync(Repo, "config.json");
        Assert.Equal("{\"hidden_size\": 8}", Bytes.Text(cached));

        var e = await Assert.ThrowsAsync<LocalEntryNotFoundException>(() => unreachable.DownloadFileAsync(Repo, "model.safetensors"));
        Assert.IsType<HttpRequestException>(e.InnerException);
    }

    [Fact]
    public async Task Partial_from_an_earlier_run_is_continued_with_a_Range_request()
    {
        string sha = Bytes.Sha256(Weights);
        Directory.CreateDirectory(Path.Combine(RepoDir, "blobs"));
        await File.WriteAllBytesAsync(Path.Combine(RepoDir, "blobs", sha + ".incomplete"), Weights[..100_000]);

        string path = await _f.Api.DownloadFileAsync(Repo, "model.safetensors");

        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        FakeHubRequest get = Assert.Single(_f.Hub.Requests, r => r.IsCdn);
        Assert.Equal("bytes=100000-", get.Range);
        Assert.Equal(Weights.Length - 100_000, get.BytesSent);
        Assert.False(File.Exists(Path.Combine(RepoDir, "blobs", sha + ".incomplete")));
    }

    [Fact]
    public async Task Dropped_connection_mid_body_resumes_in_the_same_call()
    {
        _f.Hub.InjectFault(FakeFault.DropAfter(70_000), RequestFilters.Download("model.safetensors"), times: 2);

        string path = await _f.Api.DownloadFileAsync(Repo, "model.safetensors");

        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        FakeHubRequest[] gets = _f.Hub.Requests.Where(r => r.IsCdn).ToArray();
        Assert.Equal(3, gets.Length);
        Assert.Null(gets[0].Range);
        // Each retry asks only for what is missing: a later start every time, never byte 0 again.
        long[] starts = gets[1..].Select(r => long.Parse(r.Range!["bytes=".Length..^1], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.True(starts[0] > 0 && starts[1] > starts[0] && starts[1] <= 140_000, string.Join(",", starts));
        Assert.Equal(Weights.Length - starts[1], gets[2].BytesSent);
    }

    [Fact]
    public async Task Range_answered_with_200_restarts_from_zero_and_still_verifies()
    {
        string sha = Bytes.Sha256(Weights);
        Directory.CreateDirectory(Path.Combine(RepoDir, "blobs"));
        await File.WriteAllBytesAsync(Path.Combine(RepoDir, "blobs", sha + ".incomplete"), Weights[..50_000]);
        _f.Hub.InjectFault(FakeFault.IgnoreRange(), RequestFilters.Download("model.safetensors"));

        string path = await _f.Api.DownloadFileAsync(Repo, "model.safetensors");

        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        FakeHubRequest get = Assert.Single(_f.Hub.Requests, r => r.IsCdn);
        Assert.Equal(200, get.StatusCode);
    }

    [Fact]
    public async Task Stale_partial_answered_with_416_is_discarded_and_the_file_downloaded_whole()
    {
        string sha = Bytes.Sha256(Weights);
        Directory.CreateDirectory(Path.Combine(RepoDir, "blobs"));
        await File.WriteAllBytesAsync(Path.Combine(RepoDir, "blobs", sha + ".incomplete"), Weights[..1000]);
        _f.Hub.InjectFault(FakeFault.Status(416), RequestFilters.Download("model.safetensors"));

        string path = await _f.Api.DownloadFileAsync(Repo, "model.safetensors");

        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        string[] gets = _f.Hub.Requests.Where(r => r.IsCdn).Select(r => $"{r.Range ?? "none"} {r.StatusCode}").ToArray();
        Assert.Equal(["bytes=1000- 416", "none 200"], gets);
    }

    [Fact]
    public async Task Damaged_partial_from_an_earlier_run_fails_the_hash_and_is_downloaded_again_whole()
    {
        string gitSha = _commit.Files["config.json"].GitSha1;
        Directory.CreateDirectory(Path.Combine(RepoDir, "blobs"));
        await File.WriteAllBytesAsync(Path.Combine(RepoDir, "blobs", gitSha + ".incomplete"), new byte[10]);

        string path = await _f.Api.DownloadFileAsync(Repo, "config.json");

        Assert.Equal("{\"hidden_size\": 8}", Bytes.Text(path));
        string[] gets = _f.Hub.Requests.Where(r => r.Method == "GET").Select(r => $"{r.Range ?? "none"} {r.StatusCode}").ToArray();
        Assert.Equal(["bytes=10- 206", "none 200"], gets);
    }

    [Fact]
    public async Task Corrupted_lfs_bytes_fail_the_sha256_check_and_leave_nothing_in_blobs()
    {
        _f.Hub.InjectFault(FakeFault.CorruptByte(1234), RequestFilters.Download("model.safetensors"));

        var e = await Assert.ThrowsAsync<HubIntegrityException>(() => _f.Api.DownloadFileAsync(Repo, "model.safetensors"));

        Assert.Equal(Bytes.Sha256(Weights), e.Expected);
        Assert.NotEqual(e.Expected, e.Actual);
        Assert.DoesNotContain(Directory.EnumerateFiles(Path.Combine(RepoDir, "blobs")), f => new FileInfo(f).Length > 0);
        Assert.False(Directory.Exists(Path.Combine(RepoDir, "snapshots", _commit.Sha)) &&
                     File.Exists(Path.Combine(RepoDir, "snapshots", _commit.Sha, "model.safetensors")));
    }

    [Fact]
    public async Task Corrupted_regular_file_fails_the_git_sha1_check_and_leaves_nothing_in_blobs()
    {
        _f.Hub.InjectFault(FakeFault.CorruptByte(3), RequestFilters.Download("config.json"));

        var e = await Assert.ThrowsAsync<HubIntegrityException>(() => _f.Api.DownloadFileAsync(Repo, "config.json"));

        Assert.Equal(_commit.Files["config.json"].GitSha1, e.Expected);
        Assert.Contains("git SHA-1", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Directory.EnumerateFiles(Path.Combine(RepoDir, "blobs")), f => new FileInfo(f).Length > 0);
        Assert.False(File.Exists(Path.Combine(RepoDir, "snapshots", _commit.Sha, "config.json")));
    }

    [Fact]
    public async Task Body_longer_than_announced_fails_and_keeps_no_bytes_for_the_next_call_to_resume()
    {
        byte[] vocab = Bytes.Random(200_000, seed: 3);
        FakeFile file = _f.Hub.FindRepo(Repo)!.Commit(c => c.Add("vocab.bin", vocab)).Files["vocab.bin"];
        // The HEAD announces half the size; the body then arrives in pieces, so some bytes land before the excess shows.
        _f.Hub.InjectFault(FakeFault.Header("Content-Length", "100000"), RequestFilters.Metadata("vocab.bin"));
        _f.Hub.InjectFault(FakeFault.Drip(32_768, TimeSpan.FromMilliseconds(10)), RequestFilters.Download("vocab.bin"));

        var e = await Assert.ThrowsAsync<HubIntegrityException>(() => _f.Api.DownloadFileAsync(Repo, "vocab.bin"));

        Assert.Equal("more", e.Actual);
        // Whether the partial was the shared resumable one or a private temp file (small blobs), no byte of it survives.
        Assert.DoesNotContain(Directory.EnumerateFiles(Path.Combine(RepoDir, "blobs")), f => new FileInfo(f).Length > 0);
        _f.Hub.ClearRequests();
        string path = await _f.Api.DownloadFileAsync(Repo, "vocab.bin");
        Assert.Equal(vocab, await File.ReadAllBytesAsync(path));
        Assert.Equal(["none 200"], _f.Hub.Requests.Where(r => r.Method == "GET").Select(r => $"{r.Range ?? "none"} {r.StatusCode}"));
    }

    [Fact]
    public async Task A_download_cancelled_on_a_slow_link_keeps_the_bytes_received_and_the_next_call_resumes_after_them()
    {
        byte[] big = Bytes.Random(3_000_000, seed: 41);
        _f.Hub.FindRepo(Repo)!.Commit(c => c.AddLfs("slow.bin", big));
        // About 320 KB/s: the 1 MiB read buffer would take three seconds to fill.
        _f.Hub.InjectFault(FakeFault.Drip(16_384, TimeSpan.FromMilliseconds(50)), RequestFilters.Download("slow.bin"), times: null);
        using var cancel = new CancellationTokenSource();
        long firstReport = 0;
        var progress = new SynchronousProgress<DownloadProgress>(p =>
        {
            if (p.BytesDownloaded == 0 || firstReport > 0) return;
            firstReport = p.BytesDownloaded;
            cancel.Cancel();
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => _f.Api.DownloadFileAsync(Repo, "slow.bin", new DownloadFileOptions { Progress = progress }, cancel.Token));

        Assert.InRange(firstReport, 1, 1024 * 1024 - 1); // Progress moved before a whole buffer arrived,
        long kept = new FileInfo(Directory.GetFiles(Path.Combine(RepoDir, "blobs"), "*.incomplete").Single()).Length;
        Assert.True(kept >= firstReport, $"{kept} bytes kept, {firstReport} reported"); // and what arrived stayed on disk.
        _f.Hub.ClearFaults();
        _f.Hub.ClearRequests();
        string path = await _f.Api.DownloadFileAsync(Repo, "slow.bin");
        Assert.Equal(big, await File.ReadAllBytesAsync(path));
        Assert.Equal([$"bytes={kept}- 206"], _f.Hub.Requests.Where(r => r.Method == "GET").Select(r => $"{r.Range} {r.StatusCode}"));
    }

    [Fact]
    public async Task Renamed_repo_relative_redirect_is_followed_keeping_its_query_string()
    {
        _f.Hub.RenameRepo("acme/old-name", Repo);

        string path = await _f.Api.DownloadFileAsync("acme/old-name", "config.json");

        Assert.Equal("{\"hidden_size\": 8}", Bytes.Text(path));
        FakeHubRequest followed = _f.Hub.Requests.First(r => r.Method == "HEAD" && r.Path.Contains(Repo, StringComparison.Ordinal));
        Assert.Equal("?renamed_from=acme%2Fold-name", followed.Query);
        Assert.Contains("models--acme--old-name", path, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_goes_to_the_hub_but_never_to_the_cdn_host()
    {
        using HubApi api = _f.NewClient(o => o.Token = _f.Hub.ValidToken);

        await api.DownloadFileAsync(Repo, "model.safetensors");

        Assert.All(_f.Hub.Requests.Where(r => !r.IsCdn), r => Assert.Equal("Bearer " + _f.Hub.ValidToken, r.Authorization));
        FakeHubRequest cdn = Assert.Single(_f.Hub.Requests, r => r.IsCdn);
        Assert.StartsWith("localhost:", cdn.Host, StringComparison.Ordinal);
        Assert.Null(cdn.Authorization);
    }

    [Fact]
    public async Task Rate_limit_429_is_retried_after_the_Retry_After_delay()
    {
        var clock = new RecordingTimeProvider();
        using HubApi api = _f.NewClient(o => o.TimeProvider = clock);
        _f.Hub.InjectFault(FakeFault.RateLimited(TimeSpan.FromSeconds(7)), RequestFilters.Metadata("config.json"));

        string path = await api.DownloadFileAsync(Repo, "config.json");

        Assert.Equal("{\"hidden_size\": 8}", Bytes.Text(path));
        Assert.Contains(TimeSpan.FromSeconds(7), clock.Delays);
        Assert.Equal([429, 200], _f.Hub.Requests.Where(r => r.Method == "HEAD").Select(r => r.StatusCode));
    }

    [Fact]
    public async Task Rate_limit_longer_than_allowed_throws_RateLimited_with_the_wait()
    {
        _f.Hub.InjectFault(FakeFault.RateLimited(TimeSpan.FromHours(1)), RequestFilters.Metadata("config.json"));
        using HubApi api = _f.NewClient();

        // Offline fallback finds nothing cached, so the HEAD failure surfaces wrapped.
        var e = await Assert.ThrowsAsync<LocalEntryNotFoundException>(() => api.DownloadFileAsync(Repo, "config.json"));
        var limited = Assert.IsType<RateLimitedException>(e.InnerException);
        Assert.Equal(TimeSpan.FromHours(1), limited.RetryAfter);
        var direct = await Assert.ThrowsAsync<RateLimitedException>(() =>
        {
            _f.Hub.InjectFault(FakeFault.RateLimited(TimeSpan.FromHours(1)), RequestFilters.Metadata("config.json"));
            return api.GetFileMetadataAsync(Repo, "config.json");
        });
        Assert.Equal(System.Net.HttpStatusCode.TooManyRequests, direct.StatusCode);
    }

    [Fact]
    public async Task Server_errors_are_retried()
    {
        _f.Hub.InjectFault(FakeFault.Status(503), RequestFilters.Metadata("config.json"), times: 2);
        _f.Hub.InjectFault(FakeFault.Status(502), RequestFilters.Download("config.json"), times: 1);

        string path = await _f.Api.DownloadFileAsync(Repo, "config.json");

        Assert.Equal("{\"hidden_size\": 8}", Bytes.Text(path));
    }

    [Fact]
    public async Task Missing_repo_revision_and_file_map_to_typed_exceptions()
    {
        await Assert.ThrowsAsync<RepositoryNotFoundException>(() => _f.Api.DownloadFileAsync("acme/nope", "config.json"));
        var rev = await Assert.ThrowsAsync<RevisionNotFoundException>(() =>
            _f.Api.DownloadFileAsync(Repo, "config.json", new DownloadFileOptions { Revision = "no-such-branch" }));
        Assert.Equal("RevisionNotFound", rev.ErrorCode);
        var entry = await Assert.ThrowsAsync<EntryNotFoundException>(() => _f.Api.DownloadFileAsync(Repo, "nope.bin"));
        Assert.Equal(_commit.Sha, entry.CommitHash);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, entry.StatusCode);
        Assert.NotNull(entry.RequestId);
    }

    [Fact]
    public async Task Gated_repo_without_a_token_throws_GatedRepository_and_opens_with_one()
    {
        FakeRepo gated = _f.Hub.AddRepo("acme/gated");
        gated.Gated = true;
        gated.Commit(c => c.Add("a.txt", "secret"));

        var e = await Assert.ThrowsAsync<GatedRepositoryException>(() => _f.Api.DownloadFileAsync("acme/gated", "a.txt"));
        Assert.Contains("restricted", e.Message, StringComparison.Ordinal);

        using HubApi withToken = _f.NewClient(o => o.Token = _f.Hub.ValidToken);
        Assert.Equal("secret", Bytes.Text(await withToken.DownloadFileAsync("acme/gated", "a.txt")));
    }

    /// <summary>
    /// A token the hub accepts without access (FakeHub.TokenWithoutAccess): as the real hub answers a logged-in user, a gated
    /// repo is 403 GatedRepo and a private one 404 RepoNotFound, each the typed exception itself, not "not in the cache".
    /// </summary>
    [Fact]
    public async Task A_token_without_access_gets_the_gated_and_private_errors_and_public_files()
    {
        FakeRepo gated = _f.Hub.AddRepo("acme/gated");
        gated.Gated = true;
        gated.Commit(c => c.Add("a.txt", "secret"));
        FakeRepo hidden = _f.Hub.AddRepo("acme/hidden");
        hidden.Private = true;
        hidden.Commit(c => c.Add("a.txt", "secret"));
        using HubApi api = _f.NewClient(o => o.Token = _f.Hub.TokenWithoutAccess);

        var gatedError = await Assert.ThrowsAsync<GatedRepositoryException>(() => api.DownloadFileAsync("acme/gated", "a.txt"));
        var hiddenError = await Assert.ThrowsAsync<RepositoryNotFoundException>(() => api.DownloadFileAsync("acme/hidden", "a.txt"));

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, gatedError.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, hiddenError.StatusCode);
        Assert.Equal("{\"hidden_size\": 8}", Bytes.Text(await api.DownloadFileAsync(Repo, "config.json")));
    }

    [Fact]
    public async Task Bad_token_message_never_contains_the_token()
    {
        using HubApi api = _f.NewClient(o => o.Token = "hf_super_secret_value");
        var e = await Assert.ThrowsAsync<HubException>(() => api.GetFileMetadataAsync(Repo, "config.json"));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, e.StatusCode);
        Assert.DoesNotContain("hf_super_secret_value", e.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../etc/passwd")]
    [InlineData("a/../../b")]
    [InlineData("/abs/path")]
    [InlineData("a\\b")]
    [InlineData("a//b")]
    [InlineData("C:/windows")]
    [InlineData("a/./b")]
    [InlineData("nul\0byte")]
    [InlineData("")]
    public async Task Unsafe_paths_are_rejected_before_any_request(string path)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _f.Api.DownloadFileAsync(Repo, path));
        Assert.Empty(_f.Hub.Requests);
        Assert.False(Directory.Exists(_f.CacheDirectory));
    }

    [Theory]
    [InlineData("a/b/c")]
    [InlineData("acme--x/y")]
    [InlineData("acme/x..y")]
    [InlineData("acme/model.git")]
    [InlineData("-acme/x")]
    [InlineData("acme/x y")]
    [InlineData("")]
    public async Task Invalid_repo_ids_are_rejected_before_any_request(string repoId)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _f.Api.DownloadFileAsync(repoId, "config.json"));
        Assert.Empty(_f.Hub.Requests);
    }

    [Theory]
    [InlineData("../main")]
    [InlineData("refs//pr")]
    public async Task Invalid_revisions_are_rejected_before_any_request(string revision)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _f.Api.DownloadFileAsync(Repo, "config.json", new DownloadFileOptions { Revision = revision }));
        Assert.Empty(_f.Hub.Requests);
    }

    /// <summary>
    /// The first call is held mid-transfer; the second makes its HEAD meanwhile. Above 1 MiB the second waits for the
    /// first's lock and reuses its blob: one transfer. Up to 1 MiB downloads skip the lock by design (a duplicate of a small
    /// file costs less than the lock), so both transfer, each into its own temp file, and one intact blob remains.
    /// </summary>
    [Theory]
    [InlineData(300_000, 2)]
    [InlineData(2_000_000, 1)]
    public async Task Two_concurrent_downloads_of_one_file_produce_one_intact_blob(int size, int transfers)
    {
        byte[] content = size == Weights.Length ? Weights : Bytes.Random(size, seed: 5);
        string file = size == Weights.Length ? "model.safetensors" : "big.bin";
        if (size != Weights.Length) _f.Hub.FindRepo(Repo)!.Commit(c => c.AddLfs(file, content));
        using var held = new HeldDownload();
        Task<string> first = _f.Api.DownloadFileAsync(Repo, file, new DownloadFileOptions { Progress = held });
        await held.Held;
        Task<string> second = _f.Api.DownloadFileAsync(Repo, file);
        if (transfers == 2)
        {
            // Lock-free: the second call finishes on its own while the first is held. (Released after the second's HEAD
            // only, the first could publish before the second looks, and the second would rightly find it in place.)
            await second.WaitAsync(TimeSpan.FromSeconds(60));
        }
        else
        {
            await HeldDownload.WaitUntilAsync(() => _f.Hub.Requests.Count(RequestFilters.Metadata(file)) == 2, "the second call's HEAD");
        }
        held.Release();
        string[] paths = await Task.WhenAll(first, second);

        Assert.Equal(paths[0], paths[1]);
        Assert.Equal(content, await File.ReadAllBytesAsync(paths[0]));
        Assert.Contains(Bytes.Sha256(content), Directory.GetFiles(Path.Combine(RepoDir, "blobs")).Select(Path.GetFileName));
        Assert.Equal(transfers, _f.Hub.Requests.Count(r => r.IsCdn && r.Method == "GET"));
        CacheInvariants.AssertNoIncomplete(_f.CacheDirectory);
        CacheInvariants.AssertNoUnverifiedBlob(_f.CacheDirectory);
    }

    [Fact]
    public async Task Copy_mode_places_the_file_itself_in_snapshots()
    {
        using HubApi api = _f.NewClient(o => o.DisableSymlinks = true);

        string path = await api.DownloadFileAsync(Repo, "model.safetensors");

        Assert.Null(new FileInfo(path).LinkTarget);
        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task Progress_reports_bytes_up_to_the_total()
    {
        var reports = new List<DownloadProgress>();
        var progress = new SynchronousProgress<DownloadProgress>(reports.Add);

        await _f.Api.DownloadFileAsync(Repo, "model.safetensors", new DownloadFileOptions { Progress = progress });

        Assert.NotEmpty(reports);
        Assert.Equal(new DownloadProgress("model.safetensors", Weights.Length, Weights.Length), reports[^1]);
        Assert.True(reports.Select(r => r.BytesDownloaded).SequenceEqual(reports.Select(r => r.BytesDownloaded).Order()));
    }

    [Fact]
    public async Task Metadata_reports_commit_etag_size_location_and_lfs()
    {
        HubFileMetadata lfs = await _f.Api.GetFileMetadataAsync(Repo, "model.safetensors");
        HubFileMetadata regular = await _f.Api.GetFileMetadataAsync(Repo, "config.json");

        Assert.Equal(new HubFileMetadata(_commit.Sha, Bytes.Sha256(Weights), Weights.Length, lfs.Location, true), lfs);
        Assert.StartsWith(_f.Hub.CdnEndpoint, lfs.Location.ToString(), StringComparison.Ordinal);
        Assert.False(regular.IsLfs);
        Assert.Equal(_commit.Files["config.json"].GitSha1, regular.Etag);
    }

    /// <summary>
    /// huggingface_hub makes the snapshot folder before it downloads; a ref to a commit without one makes its scan drop the
    /// whole repo ("Reference(s) refer to missing commit hashes"), complete revisions included, while a download runs or
    /// after it was stopped.
    /// </summary>
    [Fact]
    public async Task A_stopped_first_download_leaves_the_ref_with_its_snapshot_folder()
    {
        using var cancel = new CancellationTokenSource();
        _f.Hub.InjectFault(FakeFault.Drip(16_384, TimeSpan.FromMilliseconds(20)), RequestFilters.Download("model.safetensors"), times: null);
        var progress = new SynchronousProgress<DownloadProgress>(p =>
        {
            if (p.BytesDownloaded > 0) cancel.Cancel();
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => _f.Api.DownloadFileAsync(Repo, "model.safetensors", new DownloadFileOptions { Progress = progress }, cancel.Token));

        Assert.Equal(_commit.Sha, File.ReadAllText(Path.Combine(RepoDir, "refs", "main")));
        Assert.True(Directory.Exists(Path.Combine(RepoDir, "snapshots", _commit.Sha)));
        HubCacheInfo scan = HubCache.Scan(_f.CacheDirectory);
        Assert.DoesNotContain(scan.Warnings, w => w.Kind == CacheWarningKind.RefToMissingSnapshot);
        Assert.Equal([_commit.Sha], scan.Repos.Single().Revisions.Select(r => r.CommitHash));
    }

    [Fact]
    public async Task Lock_files_are_group_writable_whatever_the_umask_as_huggingface_hub_makes_them()
    {
        if (OperatingSystem.IsWindows()) return;
        byte[] big = Bytes.Random(1_500_000, seed: 43); // above the lock-free size
        FakeFile file = _f.Hub.FindRepo(Repo)!.Commit(c => c.AddLfs("big.bin", big)).Files["big.bin"];

        await _f.Api.DownloadFileAsync(Repo, "big.bin");

        string lockPath = Path.Combine(_f.CacheDirectory, ".locks", "models--acme--tiny-model", file.Etag + ".lock");
        UnixFileMode mode = File.GetUnixFileMode(lockPath);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead, mode);
    }

    /// <summary>
    /// A cleanup that removes every <c>*.incomplete</c> (<c>hf cache prune</c> does, without looking at locks) while a download
    /// is finishing: a clear error, nothing published, and the next call downloads the file.
    /// </summary>
    [Fact]
    public async Task A_partial_deleted_by_another_process_before_publishing_is_a_clear_error_and_nothing_is_published()
    {
        string blobs = Path.Combine(RepoDir, "blobs");
        var progress = new SynchronousProgress<DownloadProgress>(p =>
        {
            if (p.BytesDownloaded != p.TotalBytes) return;
            foreach (string partial in Directory.GetFiles(blobs, "*.incomplete")) File.Delete(partial);
        });

        IOException e = await Assert.ThrowsAsync<IOException>(
            () => _f.Api.DownloadFileAsync(Repo, "model.safetensors", new DownloadFileOptions { Progress = progress }));

        Assert.Contains("deleted", e.Message, StringComparison.Ordinal);
        Assert.Contains("model.safetensors", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(blobs, Bytes.Sha256(Weights))));
        Assert.Equal(Weights, await File.ReadAllBytesAsync(await _f.Api.DownloadFileAsync(Repo, "model.safetensors")));
    }

    /// <summary>
    /// As huggingface_hub on a 404 with a commit: the <c>.no_exist</c> marker and the ref, no snapshot folder (an empty one
    /// would be returned by an offline snapshot without a cached file list).
    /// </summary>
    [Fact]
    public async Task A_missing_file_leaves_its_marker_and_no_empty_snapshot_folder()
    {
        await Assert.ThrowsAsync<EntryNotFoundException>(() => _f.Api.DownloadFileAsync(Repo, "missing.txt"));

        Assert.True(File.Exists(Path.Combine(RepoDir, ".no_exist", _commit.Sha, "missing.txt")));
        Assert.False(Directory.Exists(Path.Combine(RepoDir, "snapshots", _commit.Sha)));
    }
}
