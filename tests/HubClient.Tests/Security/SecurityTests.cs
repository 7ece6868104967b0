namespace HubClient.Tests.Security;

/// <summary>
/// Names that reach the file system are validated, whoever supplies them; a hostile server cannot choose where a file is
/// written; and the token goes to the endpoint's host only and never into an exception. (HubClient writes no logs yet, so
/// there is no log to check.)
/// </summary>
public sealed class SecurityTests : IAsyncLifetime
{
    private const string Repo = "acme/tiny-model";
    private const string Secret = "hf_fake_token";
    private readonly HubFixture _f = new();
    private FakeCommit _commit = null!;
    private HubApi _api = null!;

    public Task InitializeAsync()
    {
        _commit = _f.Hub.AddRepo(Repo).Commit(c => c.Add("config.json", "{}").AddLfs("model.bin", Bytes.Random(50_000, seed: 71)));
        Assert.Equal(Secret, _f.Hub.ValidToken);
        _api = _f.NewClient(o => o.Token = Secret);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _api.Dispose();
        await _f.DisposeAsync();
    }

    public static TheoryData<string, string, string?> HostileCallerInputs() => new()
    {
        // repo id, path, revision
        { "../escape", "config.json", null },
        { "acme/../../escape", "config.json", null },
        { "/abs/repo", "config.json", null },
        { "acme/x\0y", "config.json", null },
        { Repo, "../../../../escape.txt", null },
        { Repo, "a/../../b", null },
        { Repo, "/etc/passwd", null },
        { Repo, "C:/Windows/win.ini", null },
        { Repo, "a/C:evil", null },
        { Repo, "a\\..\\b", null },
        { Repo, "nul\0byte", null },
        { Repo, "config.json", "../../../escape" },
        { Repo, "config.json", "/main" },
        { Repo, "config.json", "main\0" },
        { Repo, "config.json", "refs\\pr\\1" },
    };

    [Theory]
    [MemberData(nameof(HostileCallerInputs))]
    public async Task Hostile_caller_inputs_are_refused_before_any_request_or_write(string repoId, string path, string? revision)
    {
        IReadOnlyList<string> before = CacheListing.Of(_f.Temp.Path);

        await Assert.ThrowsAsync<ArgumentException>(() => _api.DownloadFileAsync(repoId, path, new DownloadFileOptions { Revision = revision }));
        await Assert.ThrowsAsync<ArgumentException>(() => _api.DownloadFileAsync(repoId, path, new DownloadFileOptions { Revision = revision, LocalDirectory = _f.Temp.Combine("local") }));
        await Assert.ThrowsAsync<ArgumentException>(() => _api.GetFileMetadataAsync(repoId, path, new FileMetadataOptions { Revision = revision }));

        Assert.Empty(_f.Hub.Requests);
        Assert.Equal(before, CacheListing.Of(_f.Temp.Path));
    }

    public static TheoryData<string, string, string> HostileServerNames() => new()
    {
        // file, header, value: names the server supplies that would become cache paths
        { "config.json", "X-Repo-Commit", "../../../../escape" },
        { "config.json", "X-Repo-Commit", "/tmp/escape/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" },
        { "config.json", "ETag", "\"../../escape\"" },
        { "model.bin", "X-Linked-Etag", "\"../../../escape\"" },
        { "model.bin", "X-Linked-Etag", "\"/etc/passwd\"" },
        { "model.bin", "X-Linked-Etag", "\"C:evil\"" },
        { "model.bin", "X-Linked-Etag", "\"a b\"" },
    };

    [Theory]
    [MemberData(nameof(HostileServerNames))]
    public async Task Names_a_server_supplies_for_cache_paths_are_refused_and_nothing_is_written(string file, string header, string value)
    {
        _f.Hub.InjectFault(FakeFault.Header(header, value), RequestFilters.Metadata(file));

        var e = await Assert.ThrowsAsync<LocalEntryNotFoundException>(() => _api.DownloadFileAsync(Repo, file));

        Assert.IsType<HubProtocolException>(e.InnerException);
        Assert.DoesNotContain(_f.Hub.Requests, r => r.Method == "GET");
        AssertOnlyCacheEntries(published: []);
        Assert.False(Directory.Exists(_f.CacheDirectory) && Directory.EnumerateFiles(_f.CacheDirectory, "*", SearchOption.AllDirectories).Any());
    }

    /// <summary>
    /// A relative redirect of the HEAD to another path: where it resolves, and what the call must then do. The file is
    /// always written at the path the caller asked for, never where the redirect points.
    /// </summary>
    public static TheoryData<string, string> HostileRedirects() => new()
    {
        // Location, expected outcome: "success" (the file lands at snapshots/{commit}/model.bin) or the exception type.
        { "/acme/tiny-model/resolve/main/sub/../../../../../../escape.txt", nameof(LocalEntryNotFoundException) },
        { "/acme/tiny-model/resolve/main/%2e%2e/%2e%2e/config.json", nameof(LocalEntryNotFoundException) },
        { "/acme/tiny-model/resolve/main/sub/../config.json", "success" },
    };

    [Theory]
    [MemberData(nameof(HostileRedirects))]
    public async Task A_redirect_to_another_path_never_decides_where_the_file_is_written(string location, string expected)
    {
        _f.Hub.InjectFault(FakeFault.Redirect(location, 307), RequestFilters.Metadata("model.bin"));

        string outcome;
        try
        {
            await _api.DownloadFileAsync(Repo, "model.bin");
            outcome = "success";
        }
        catch (HubException e)
        {
            outcome = e.GetType().Name;
        }

        Assert.Equal(expected, outcome);
        AssertOnlyCacheEntries(published: expected == "success" ? ["model.bin"] : []);
        CacheInvariants.AssertNoUnverifiedBlob(_f.CacheDirectory);
    }

    [Fact]
    public async Task A_location_that_is_not_http_is_refused()
    {
        // The hub's LFS answer (commit, etag, size) pointing the bytes at a local file.
        _f.Hub.InjectFault(FakeFault.Header("Location", "file:///etc/passwd"), RequestFilters.Metadata("model.bin"));

        await Assert.ThrowsAsync<HubProtocolException>(() => _api.DownloadFileAsync(Repo, "model.bin"));

        CacheInvariants.AssertNoUnverifiedBlob(_f.CacheDirectory);
        Assert.False(CacheInvariants.EntryExists(Path.Combine(_f.RepoDir("models--acme--tiny-model"), "snapshots", _commit.Sha, "model.bin")));
    }

    [Fact]
    public async Task The_token_goes_to_the_hub_but_not_to_the_cdn_it_redirects_to()
    {
        await _api.DownloadFileAsync(Repo, "model.bin");

        AssertTokenOnlyOnTheEndpoint();
        Assert.Contains(_f.Hub.Requests, r => r.IsCdn && r.Host.StartsWith("localhost:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_token_is_dropped_when_a_download_is_redirected_to_another_host()
    {
        FakeFile config = _commit.Files["config.json"];
        _f.Hub.InjectFault(FakeFault.Redirect($"{_f.Hub.CdnEndpoint}/cdn/{config.Sha256}/config.json"), RequestFilters.Download("config.json"));

        Assert.Equal("{}", Bytes.Text(await _api.DownloadFileAsync(Repo, "config.json")));

        AssertTokenOnlyOnTheEndpoint();
        Assert.Contains(_f.Hub.Requests, r => r.Host.StartsWith("localhost:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_token_stays_on_relative_redirects_and_is_dropped_on_a_protocol_relative_one_to_another_host()
    {
        _f.Hub.RenameRepo("acme/old-name", Repo);
        Assert.Equal("{}", Bytes.Text(await _api.DownloadFileAsync("acme/old-name", "config.json")));
        Assert.All(_f.Hub.Requests, r => Assert.Equal("Bearer " + Secret, r.Authorization));

        // "//host/path" looks relative but names another host: it is where the bytes are, and gets no token.
        _f.Hub.ClearRequests();
        FakeFile model = _commit.Files["model.bin"];
        int port = new Uri(_f.Hub.Endpoint).Port;
        _f.Hub.InjectFault(FakeFault.Header("Location", $"//localhost:{port}/cdn/{model.Sha256}/model.bin"), RequestFilters.Metadata("model.bin"));

        Assert.Equal(model.Content, await File.ReadAllBytesAsync(await _api.DownloadFileAsync(Repo, "model.bin")));

        FakeHubRequest elsewhere = Assert.Single(_f.Hub.Requests, r => r.Host.StartsWith("localhost:", StringComparison.Ordinal));
        Assert.Equal("GET", elsewhere.Method);
        AssertTokenOnlyOnTheEndpoint();
    }

    [Theory]
    [InlineData(401, "model.bin")]
    [InlineData(403, "config.json")]
    [InlineData(500, "config.json")]
    public async Task A_server_echoing_the_token_in_its_error_does_not_put_it_in_the_exception(int status, string file)
    {
        _f.Hub.InjectFault(FakeFault.Status(status, $"{{\"error\": \"Bearer {Secret} is not valid here\"}}"), RequestFilters.Download(file), times: null);
        _f.Hub.InjectFault(FakeFault.Header("X-Error-Message", $"token {Secret} rejected"), RequestFilters.Metadata("other.bin"), times: null);

        Exception download = await Assert.ThrowsAnyAsync<HubException>(() => _api.DownloadFileAsync(Repo, file));
        Exception metadata = await Assert.ThrowsAnyAsync<HubException>(() => _api.DownloadFileAsync(Repo, "other.bin"));

        Assert.DoesNotContain(Secret, download.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, metadata.ToString(), StringComparison.Ordinal);
        Assert.Contains("is not valid here", download.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Everything under the test's temp root, compared with what a cache of this repo may hold: the cache folder, its
    /// locks, and the repo's blobs, ref and snapshot entries of <paramref name="published"/> files only. Nothing else
    /// anywhere, so a file written outside the cache (or under another name in it) fails the test.
    /// </summary>
    private void AssertOnlyCacheEntries(string[] published)
    {
        string repo = "hub/models--acme--tiny-model";
        string files = published.Length == 0 ? "(?!)" : string.Join('|', published.Select(System.Text.RegularExpressions.Regex.Escape));
        var allowed = new System.Text.RegularExpressions.Regex(
            "^(hub|hub/\\.locks|hub/\\.locks/models--acme--tiny-model|hub/\\.locks/models--acme--tiny-model/[0-9a-f]{40,64}\\.lock"
            + $"|{repo}|{repo}/blobs|{repo}/blobs/[0-9a-f]{{40,64}}|{repo}/refs|{repo}/refs/main"
            + $"|{repo}/snapshots|{repo}/snapshots/{_commit.Sha}|{repo}/snapshots/{_commit.Sha}/({files}))$");
        string[] entries = Directory.EnumerateFileSystemEntries(_f.Temp.Path, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(e => Path.GetRelativePath(_f.Temp.Path, e).Replace('\\', '/'))
            .ToArray();
        Assert.All(entries, e => Assert.Matches(allowed, e));
        Assert.Equal(published.Length, entries.Count(e => e.StartsWith($"{repo}/snapshots/{_commit.Sha}/", StringComparison.Ordinal)));
    }

    private void AssertTokenOnlyOnTheEndpoint()
    {
        string endpoint = new Uri(_f.Hub.Endpoint).Authority;
        Assert.All(_f.Hub.Requests, r => Assert.Equal(r.Host == endpoint ? "Bearer " + Secret : null, r.Authorization));
    }
}
