namespace HubClient.Tests.Api;

/// <summary>
/// Mirrors set as the endpoint (issue 12, items 1 and 2): a HEAD that redirects to an absolute URL on the mirror's own host,
/// and next-page links that still name the default hub.
/// </summary>
public sealed class MirrorRedirectTests : IAsyncLifetime
{
    private const string Repo = "acme/m";
    private readonly HubFixture _f = new();
    private FakeCommit _commit = null!;

    public Task InitializeAsync()
    {
        _commit = _f.Hub.AddRepo(Repo).Commit(c =>
        {
            c.Add("config.json", "{\"a\": 1}").AddLfs("model.safetensors", Bytes.Random(3000));
            for (int i = 0; i < 5; i++) c.Add($"data/part{i}.txt", $"part {i}");
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    private static bool FirstHead(FakeHubRequest r) =>
        r.Method == "HEAD" && r.Path.EndsWith("/resolve/main/config.json", StringComparison.Ordinal) && !r.Query.Contains("via=1", StringComparison.Ordinal);

    [Fact]
    public async Task A_mirror_serving_lfs_bytes_on_its_own_host_is_read_from_the_redirect_not_followed_by_the_HEAD()
    {
        FakeFile lfs = _commit.Files["model.safetensors"];
        string sameHostCdn = $"{_f.Hub.Endpoint}/cdn/{lfs.Sha256}/model.safetensors";
        _f.Hub.InjectFault(FakeFault.Header("Location", sameHostCdn), RequestFilters.Metadata("model.safetensors"), times: null);

        string path = await _f.Api.DownloadFileAsync(Repo, "model.safetensors");

        Assert.Equal(lfs.Content, await File.ReadAllBytesAsync(path));
        Assert.Single(_f.Hub.Requests, r => r.Method == "HEAD"); // The 302 carried the metadata: no HEAD of the bytes' address.
        Assert.Contains(_f.Hub.Requests, r => r.Method == "GET" && r.IsCdn && r.Host == new Uri(_f.Hub.Endpoint).Authority);
    }

    [Fact]
    public async Task A_HEAD_redirected_to_an_absolute_url_on_the_endpoint_host_is_followed_with_its_query()
    {
        string target = $"{_f.Hub.Endpoint}/{Repo}/resolve/main/config.json?via=1";
        _f.Hub.InjectFault(FakeFault.Redirect(target, 308), FirstHead, times: null);
        using HubApi api = _f.NewClient(o => o.Token = _f.Hub.ValidToken);

        HubFileMetadata metadata = await api.GetFileMetadataAsync(Repo, "config.json");
        string path = await api.DownloadFileAsync(Repo, "config.json");

        Assert.Equal(_commit.Sha, metadata.CommitHash);
        Assert.Equal("{\"a\": 1}", File.ReadAllText(path));
        FakeHubRequest followed = _f.Hub.Requests.First(r => r.Method == "HEAD" && r.Query.Contains("via=1", StringComparison.Ordinal));
        Assert.Equal(200, followed.StatusCode);
        // Same host as the endpoint: the token rules are unchanged, so it goes along.
        Assert.Equal("Bearer " + _f.Hub.ValidToken, followed.Authorization);
    }

    [Fact]
    public async Task A_redirect_to_another_host_is_not_followed_and_missing_metadata_names_the_url_and_the_header()
    {
        // The CDN host of the fake hub (localhost instead of 127.0.0.1) is "another host".
        _f.Hub.InjectFault(FakeFault.Redirect($"{_f.Hub.CdnEndpoint}/elsewhere/config.json", 308), FirstHead, times: null);

        HubProtocolException e = await Assert.ThrowsAsync<HubProtocolException>(() => _f.Api.GetFileMetadataAsync(Repo, "config.json"));

        Assert.Contains($"{_f.Hub.Endpoint}/{Repo}/resolve/main/config.json", e.Message, StringComparison.Ordinal);
        Assert.Contains("X-Repo-Commit", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_f.Hub.Requests, r => r.Path.StartsWith("/elsewhere/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_HEAD_answered_without_hub_headers_names_the_url_and_the_missing_header()
    {
        _f.Hub.InjectFault(FakeFault.Header("X-Repo-Commit", ""), r => r.Method == "HEAD", times: null);

        HubProtocolException e = await Assert.ThrowsAsync<HubProtocolException>(() => _f.Api.GetFileMetadataAsync(Repo, "config.json"));

        Assert.Contains($"HEAD {_f.Hub.Endpoint}/{Repo}/resolve/main/config.json", e.Message, StringComparison.Ordinal);
        Assert.Contains("X-Repo-Commit", e.Message, StringComparison.Ordinal);
    }

    private void LinkPageOneTo(string origin) =>
        _f.Hub.InjectFault(
            FakeFault.Header("Link", $"<{origin}/api/models/{Repo}/tree/{_commit.Sha}?recursive=true&cursor=2>; rel=\"next\""),
            r => r.Path.Contains("/tree/", StringComparison.Ordinal) && !r.Query.Contains("cursor=", StringComparison.Ordinal));

    [Fact]
    public async Task A_next_page_link_to_the_default_hub_is_paged_on_the_endpoint_with_the_token()
    {
        _f.Hub.TreePageSize = 2;
        LinkPageOneTo("https://huggingface.co");
        using HubApi api = _f.NewClient(o => o.Token = _f.Hub.ValidToken);

        var entries = await api.ListRepoTreeAsync(Repo, recursive: true, revision: _commit.Sha).ToListAsync();

        Assert.Equal(_commit.Files.Keys.Order(StringComparer.Ordinal), entries.OfType<RepoFile>().Select(f => f.Path).Order(StringComparer.Ordinal));
        FakeHubRequest second = Assert.Single(_f.Hub.Requests, r => r.Path.Contains("/tree/", StringComparison.Ordinal) && r.Query.Contains("cursor=2", StringComparison.Ordinal));
        Assert.Equal("Bearer " + _f.Hub.ValidToken, second.Authorization);
    }

    [Fact]
    public async Task A_snapshot_with_several_pages_linked_to_the_default_hub_is_complete()
    {
        _f.Hub.TreePageSize = 2;
        LinkPageOneTo("https://huggingface.co");

        string folder = await _f.Api.DownloadSnapshotAsync(Repo, new SnapshotDownloadOptions { Revision = _commit.Sha });

        foreach (string file in _commit.Files.Keys) Assert.True(File.Exists(Path.Combine(folder, file)), file);
    }

    [Fact]
    public async Task A_next_page_link_to_any_other_host_is_refused_not_ended_short()
    {
        _f.Hub.TreePageSize = 2;
        LinkPageOneTo("https://evil.example");

        HubProtocolException e = await Assert.ThrowsAsync<HubProtocolException>(() => _f.Api.ListRepoTreeAsync(Repo, recursive: true, revision: _commit.Sha).ToListAsync().AsTask());

        Assert.Contains("evil.example", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://huggingface.co/api/models?cursor=x", "http://mirror:8080/", "http://mirror:8080/api/models?cursor=x")]
    [InlineData("https://HuggingFace.co/api/x", "http://mirror/prefix", "http://mirror/prefix/api/x")]
    [InlineData("http://huggingface.co/api/x", "http://mirror/", "http://huggingface.co/api/x")]
    [InlineData("https://evil.example/api/x", "http://mirror/", "https://evil.example/api/x")]
    public void Only_the_default_hub_origin_is_moved_onto_the_endpoint(string link, string endpoint, string expected) =>
        Assert.Equal(expected, LinkHeader.OntoEndpoint(new Uri(link), new Uri(endpoint)).AbsoluteUri);
}
