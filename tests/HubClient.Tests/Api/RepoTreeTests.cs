namespace HubClient.Tests.Api;

public sealed class RepoTreeTests : IAsyncLifetime
{
    private const string Repo = "acme/tiny-model";
    private static readonly byte[] Weights = Bytes.Random(2000);
    private readonly HubFixture _f = new();
    private FakeRepo _repo = null!;
    private FakeCommit _commit = null!;

    public Task InitializeAsync()
    {
        _repo = _f.Hub.AddRepo(Repo);
        _commit = _repo.Commit(c => c
            .Add("README.md", "# tiny")
            .Add("config.json", "{}")
            .AddLfs("model.safetensors", Weights)
            .Add("onnx/model.onnx", "onnx")
            .Add("onnx/quantized/model_q4.onnx", "q4"));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    [Fact]
    public async Task Recursive_listing_returns_every_file_and_folder_with_hashes_and_sizes()
    {
        var entries = await _f.Api.ListRepoTreeAsync(Repo, recursive: true).ToListAsync();

        Assert.Equal(
            ["README.md", "config.json", "model.safetensors", "onnx", "onnx/model.onnx", "onnx/quantized", "onnx/quantized/model_q4.onnx"],
            entries.Select(e => e.Path));
        Assert.Equal(["onnx", "onnx/quantized"], entries.OfType<RepoFolder>().Select(f => f.Path));
        RepoFile weights = entries.OfType<RepoFile>().Single(f => f.Path == "model.safetensors");
        Assert.Equal(_commit.Files["model.safetensors"].GitSha1, weights.Oid);
        Assert.Equal(Weights.Length, weights.Size);
        Assert.Equal(Bytes.Sha256(Weights), weights.Lfs?.Oid);
        Assert.Equal(134, weights.Lfs?.PointerSize);
        RepoFile config = entries.OfType<RepoFile>().Single(f => f.Path == "config.json");
        Assert.Null(config.Lfs);
        Assert.Equal(_commit.Files["config.json"].GitSha1, config.Oid);
        Assert.Equal(["true"], Assert.Single(_f.Hub.Requests).Values("recursive"));
    }

    [Fact]
    public async Task Non_recursive_listing_of_a_folder_returns_only_its_direct_entries()
    {
        var entries = await _f.Api.ListRepoTreeAsync(Repo, path: "onnx").ToListAsync();

        Assert.Collection(entries,
            e => Assert.Equal("onnx/model.onnx", Assert.IsType<RepoFile>(e).Path),
            e => Assert.Equal("onnx/quantized", Assert.IsType<RepoFolder>(e).Path));
        FakeHubRequest request = Assert.Single(_f.Hub.Requests);
        Assert.Equal("/api/models/acme/tiny-model/tree/main/onnx", request.Path);
        Assert.Empty(request.Values("recursive"));
    }

    [Fact]
    public async Task Listing_follows_link_headers_across_pages()
    {
        _f.Hub.TreePageSize = 2;

        var entries = await _f.Api.ListRepoTreeAsync(Repo, recursive: true).ToListAsync();

        Assert.Equal(7, entries.Count);
        Assert.Equal(7, entries.Select(e => e.Path).Distinct().Count());
        IReadOnlyList<FakeHubRequest> pages = _f.Hub.Requests;
        Assert.Equal(4, pages.Count);
        Assert.Equal([[], ["2"], ["4"], ["6"]], pages.Select(r => r.Values("cursor")));
        Assert.All(pages, r => Assert.Equal(["true"], r.Values("recursive")));
    }

    [Fact]
    public async Task Stopping_after_the_first_entry_fetches_no_further_page()
    {
        _f.Hub.TreePageSize = 2;

        await foreach (RepoTreeEntry entry in _f.Api.ListRepoTreeAsync(Repo, recursive: true))
        {
            Assert.Equal("README.md", entry.Path);
            break;
        }

        Assert.Single(_f.Hub.Requests);
    }

    [Fact]
    public async Task Nothing_is_requested_until_the_listing_is_enumerated()
    {
        HubPageable<RepoTreeEntry> listing = _f.Api.ListRepoTreeAsync(Repo);

        Assert.Empty(_f.Hub.Requests);
        Assert.NotEmpty(await listing.ToListAsync());
    }

    [Fact]
    public async Task Later_pages_are_retried_on_transient_errors()
    {
        _f.Hub.TreePageSize = 2;
        FaultRule fault = _f.Hub.InjectFault(FakeFault.Status(503), r => r.Query.Contains("cursor=4", StringComparison.Ordinal), times: 2);

        var entries = await _f.Api.ListRepoTreeAsync(Repo, recursive: true).ToListAsync();

        Assert.Equal(7, entries.Count);
        Assert.Equal(2, fault.Hits);
    }

    [Fact]
    public async Task Pages_can_be_read_one_at_a_time_and_continued_later_from_the_token()
    {
        _f.Hub.TreePageSize = 3;
        HubPageable<RepoTreeEntry> listing = _f.Api.ListRepoTreeAsync(Repo, recursive: true);
        HubPage<RepoTreeEntry>? first = null;
        await foreach (HubPage<RepoTreeEntry> page in listing.AsPages())
        {
            first = page;
            break;
        }
        Assert.NotNull(first);
        Assert.Equal(3, first.Values.Count);
        Assert.StartsWith(_f.Hub.Endpoint + "/api/models/acme/tiny-model/tree/main?", first.ContinuationToken, StringComparison.Ordinal);
        _f.Hub.ClearRequests();

        var rest = new List<HubPage<RepoTreeEntry>>();
        await foreach (HubPage<RepoTreeEntry> page in _f.Api.ListRepoTreeAsync(Repo, recursive: true).AsPages(first.ContinuationToken))
        {
            rest.Add(page);
        }

        Assert.Equal([3, 1], rest.Select(p => p.Values.Count));
        Assert.Null(rest[^1].ContinuationToken);
        Assert.Equal(first.Values.Concat(rest.SelectMany(p => p.Values)).Select(e => e.Path),
            (await listing.ToListAsync()).Select(e => e.Path));
        Assert.Equal(["3"], _f.Hub.Requests[0].Values("cursor"));
    }

    [Fact]
    public async Task Continuation_token_for_another_host_is_refused_before_any_request()
    {
        HubPageable<RepoTreeEntry> listing = _f.Api.ListRepoTreeAsync(Repo);

        var e = Assert.Throws<ArgumentException>(() => listing.AsPages(_f.Hub.CdnEndpoint + "/api/models/acme/tiny-model/tree/main?cursor=3"));

        Assert.Equal("continuationToken", e.ParamName);
        Assert.Empty(_f.Hub.Requests);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Revision_is_escaped_whole_and_path_per_segment_with_spaces_and_unicode()
    {
        _repo.Commit(c => c.Add("my dir/naïve ✓/a b.txt", "x"), branch: "refs/pr/1");

        var entries = await _f.Api.ListRepoTreeAsync(Repo, path: "my dir/naïve ✓", revision: "refs/pr/1").ToListAsync();

        Assert.Equal("my dir/naïve ✓/a b.txt", Assert.Single(entries).Path);
        Assert.Equal("/api/models/acme/tiny-model/tree/refs%2Fpr%2F1/my%20dir/na%C3%AFve%20%E2%9C%93", Assert.Single(_f.Hub.Requests).Path);
    }

    [Fact]
    public async Task Dataset_tree_uses_the_datasets_api_path()
    {
        _f.Hub.AddRepo("acme/corpus", RepoType.Dataset).Commit(c => c.Add("data/train.csv", "a"));

        var files = await _f.Api.ListRepoTreeAsync("acme/corpus", recursive: true, repoType: RepoType.Dataset).ToListAsync();

        Assert.Equal(["data", "data/train.csv"], files.Select(e => e.Path));
        Assert.Equal("/api/datasets/acme/corpus/tree/main", Assert.Single(_f.Hub.Requests).Path);
    }

    [Fact]
    public async Task Gated_private_and_missing_repos_throw_typed_exceptions_on_enumeration()
    {
        _f.Hub.AddRepo("acme/gated").Gated = true;
        _f.Hub.AddRepo("acme/secret").Private = true;

        await Assert.ThrowsAsync<GatedRepositoryException>(() => _f.Api.ListRepoTreeAsync("acme/gated").ToListAsync().AsTask());
        await Assert.ThrowsAsync<RepositoryNotFoundException>(() => _f.Api.ListRepoTreeAsync("acme/secret").ToListAsync().AsTask());
        await Assert.ThrowsAsync<RepositoryNotFoundException>(() => _f.Api.ListRepoTreeAsync("acme/nope").ToListAsync().AsTask());
        await Assert.ThrowsAsync<EntryNotFoundException>(() => _f.Api.ListRepoTreeAsync(Repo, path: "nope").ToListAsync().AsTask());
    }

    [Theory]
    [InlineData("../evil.txt")]
    [InlineData("a/../../evil.txt")]
    public async Task Unsafe_paths_listed_by_the_server_are_refused(string path)
    {
        _repo.Commit(c => c.Add(path, "x"), branch: "evil");

        var e = await Assert.ThrowsAsync<HubProtocolException>(() => _f.Api.ListRepoTreeAsync(Repo, recursive: true, revision: "evil").ToListAsync().AsTask());

        Assert.Contains("unsafe path", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"size\": -1")]
    [InlineData("\"size\": 134, \"lfs\": {\"oid\": \"4b0c57cdd3e1c3ad2c3b1f2c1e8c5b4e7d39a3ef7a0a5d5ce0e5a7bcf3d2e1f0\", \"size\": -1, \"pointerSize\": 134}")]
    public async Task A_negative_size_listed_by_the_server_is_refused_before_any_download(string sizes)
    {
        _f.Hub.InjectFault(FakeFault.JsonBody($$"""[{"type": "file", "path": "model.bin", "oid": "{{new string('a', 40)}}", {{sizes}} }]"""),
            r => r.Path.Contains("/tree/", StringComparison.Ordinal), times: null);

        var listing = await Assert.ThrowsAsync<HubProtocolException>(() => _f.Api.ListRepoTreeAsync(Repo, recursive: true).ToListAsync().AsTask());
        // A snapshot treats an unusable answer like no answer: the cache would serve it, and here holds nothing.
        var snapshot = await Assert.ThrowsAsync<LocalEntryNotFoundException>(() => _f.Api.DownloadSnapshotAsync(Repo));

        Assert.Contains("negative size (-1) for 'model.bin'", listing.Message, StringComparison.Ordinal);
        Assert.Contains("negative size", Assert.IsType<HubProtocolException>(snapshot.InnerException).Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_f.Hub.Requests, r => r.Path.Contains("/resolve/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Malformed_page_throws_a_HubProtocolException_naming_the_url()
    {
        _f.Hub.TreePageSize = 2;
        _f.Hub.InjectFault(FakeFault.MalformedJson(), r => r.Query.Contains("cursor=2", StringComparison.Ordinal));

        var e = await Assert.ThrowsAsync<HubProtocolException>(() => _f.Api.ListRepoTreeAsync(Repo, recursive: true).ToListAsync().AsTask());

        Assert.Contains("/api/models/acme/tiny-model/tree/main", e.Message, StringComparison.Ordinal);
        Assert.Contains("cursor=2", e.RequestUri?.Query, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("/abs")]
    [InlineData("a//b")]
    public void Invalid_paths_are_rejected_at_once(string path)
    {
        Assert.Throws<ArgumentException>(() => _f.Api.ListRepoTreeAsync(Repo, path: path));
        Assert.Empty(_f.Hub.Requests);
    }

    [Fact]
    public async Task Expanded_listing_reports_last_commits_and_security_scans()
    {
        FakeCommit second = _repo.Commit(c => c.Add("config.json", "{\"v\": 2}"), title: "Bump config");

        var entries = await _f.Api.ListRepoTreeAsync(Repo, expand: true).ToListAsync();

        Assert.Equal(["true"], Assert.Single(_f.Hub.Requests).Values("expand"));
        RepoFile config = entries.OfType<RepoFile>().Single(f => f.Path == "config.json");
        Assert.Equal((second.Sha, "Bump config", second.Date), (config.LastCommit?.Id, config.LastCommit?.Title, config.LastCommit?.Date));
        RepoFile readme = entries.OfType<RepoFile>().Single(f => f.Path == "README.md");
        Assert.Equal(_commit.Sha, readme.LastCommit?.Id);
        Assert.True(readme.SecurityFileStatus?.IsSafe);
        Assert.False(readme.SecurityFileStatus?.AvScan?.GetProperty("virusFound").GetBoolean());
        Assert.Equal(_commit.Sha, entries.OfType<RepoFolder>().Single().LastCommit?.Id);
    }

    [Fact]
    public async Task Xet_hashes_and_fields_unknown_to_the_client_are_kept()
    {
        _f.Hub.InjectFault(FakeFault.JsonBody("""
            [{"path": "a.bin", "type": "file", "oid": "0123", "size": 5, "xetHash": "feed", "lfs": {"oid": "abcd", "size": 5, "pointerSize": 130}, "storage": {"tier": "cold"}},
             {"type": "directory", "oid": "4567", "size": 0, "path": "d"}]
            """), RequestFilters.Api);

        var entries = await _f.Api.ListRepoTreeAsync(Repo).ToListAsync();

        RepoFile file = Assert.IsType<RepoFile>(entries[0]);
        Assert.Equal(("feed", "abcd", 5L), (file.XetHash, file.Lfs?.Oid, file.Size));
        Assert.Equal("cold", file.AdditionalProperties["storage"].GetProperty("tier").GetString());
        Assert.Equal(0, Assert.IsType<RepoFolder>(entries[1]).AdditionalProperties["size"].GetInt32());
    }

    [Theory]
    [InlineData("""[{"type": "submodule", "path": "ext", "oid": "0123"}]""")]
    [InlineData("""[{"type": "file", "path": "a.txt", "oid": "0123"}]""")]
    [InlineData("""[{"type": "file", "path": "a.txt", "oid": "0123", "size": 1, "lfs": {"size": 1}}]""")]
    [InlineData("""[{"type": "file", "path": "/etc/passwd", "oid": "0123", "size": 1}]""")]
    [InlineData("""[{"type": "file", "path": "a\u0000b", "oid": "0123", "size": 1}]""")]
    [InlineData("""{"entries": []}""")]
    public async Task Unexpected_tree_entries_throw_a_HubProtocolException(string body)
    {
        _f.Hub.InjectFault(FakeFault.JsonBody(body), RequestFilters.Api);

        var e = await Assert.ThrowsAsync<HubProtocolException>(() => _f.Api.ListRepoTreeAsync(Repo).ToListAsync().AsTask());

        Assert.Equal("/api/models/acme/tiny-model/tree/main", e.RequestUri?.AbsolutePath);
    }

    [Fact]
    public async Task Repo_files_are_the_paths_of_every_file_without_folders()
    {
        _f.Hub.TreePageSize = 3;

        var files = await _f.Api.ListRepoFilesAsync(Repo).ToListAsync();

        Assert.Equal(["README.md", "config.json", "model.safetensors", "onnx/model.onnx", "onnx/quantized/model_q4.onnx"], files);
        Assert.All(_f.Hub.Requests, r => Assert.Equal(["true"], r.Values("recursive")));
        Assert.Equal(3, _f.Hub.Requests.Count);
    }

    [Fact]
    public async Task Renamed_repo_tree_is_listed_through_the_redirect()
    {
        _f.Hub.RenameRepo("acme/old-name", Repo);

        var entries = await _f.Api.ListRepoTreeAsync("acme/old-name", recursive: true).ToListAsync();

        Assert.Equal(7, entries.Count);
        Assert.Equal("/api/models/acme/tiny-model/tree/main", _f.Hub.Requests[^1].Path);
        Assert.Equal(["true"], _f.Hub.Requests[^1].Values("recursive"));
    }

    /// <summary>
    /// A file listing whose hub pages hold only folders for a while (one file 20 folders deep, pages of one entry) is not
    /// mistaken for empty pages announcing more: the empty-page limit counts what the hub sent, not the files kept.
    /// </summary>
    [Fact]
    public async Task ListRepoFiles_survives_tree_pages_that_hold_only_folders()
    {
        await using var f = new HubFixture();
        string deep = string.Join('/', Enumerable.Range(1, 20).Select(i => $"d{i}")) + "/w.txt";
        f.Hub.AddRepo("acme/deep").Commit(c => c.Add("a.txt", "a").Add(deep, "w"));
        f.Hub.TreePageSize = 1;

        List<string> files = await f.Api.ListRepoFilesAsync("acme/deep").ToListAsync();

        Assert.Equal(["a.txt", deep], files.Order(StringComparer.Ordinal));
    }
}
