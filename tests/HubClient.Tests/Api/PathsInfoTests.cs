namespace HubClient.Tests.Api;

public sealed class PathsInfoTests : IAsyncLifetime
{
    private const string Repo = "acme/tiny-model";
    private static readonly byte[] Weights = Bytes.Random(500);
    private readonly HubFixture _f = new();
    private FakeCommit _commit = null!;

    public Task InitializeAsync()
    {
        _commit = _f.Hub.AddRepo(Repo).Commit(c => c
            .Add("config.json", "{}")
            .AddLfs("onnx/model weights ✓.onnx", Weights));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    [Fact]
    public async Task Paths_info_posts_every_path_and_returns_files_and_folders_that_exist()
    {
        var entries = await _f.Api.GetPathsInfoAsync(Repo, ["config.json", "onnx", "onnx/model weights ✓.onnx", "missing.txt"]);

        Assert.Equal(["config.json", "onnx", "onnx/model weights ✓.onnx"], entries.Select(e => e.Path));
        Assert.IsType<RepoFolder>(entries[1]);
        RepoFile weights = Assert.IsType<RepoFile>(entries[2]);
        Assert.Equal((Bytes.Sha256(Weights), (long)Weights.Length), (weights.Lfs?.Oid, weights.Size));
        Assert.Null(weights.LastCommit);
        FakeHubRequest request = Assert.Single(_f.Hub.Requests);
        Assert.Equal(("POST", "/api/models/acme/tiny-model/paths-info/main"), (request.Method, request.Path));
        Assert.StartsWith("application/x-www-form-urlencoded", request.Headers["Content-Type"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expand_reports_last_commits_and_security_scans()
    {
        var entries = await _f.Api.GetPathsInfoAsync(Repo, ["config.json"], expand: true, revision: _commit.Sha);

        RepoFile config = Assert.IsType<RepoFile>(Assert.Single(entries));
        Assert.Equal(_commit.Sha, config.LastCommit?.Id);
        Assert.Equal("safe", config.SecurityFileStatus?.Status);
        Assert.Equal($"/api/models/acme/tiny-model/paths-info/{_commit.Sha}", Assert.Single(_f.Hub.Requests).Path);
    }

    [Fact]
    public async Task Invalid_or_no_paths_are_rejected_before_any_request()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _f.Api.GetPathsInfoAsync(Repo, []));
        await Assert.ThrowsAsync<ArgumentException>(() => _f.Api.GetPathsInfoAsync(Repo, ["ok.txt", "../escape"]));
        Assert.Empty(_f.Hub.Requests);
    }

    [Fact]
    public async Task Missing_revision_throws_RevisionNotFound()
    {
        await Assert.ThrowsAsync<RevisionNotFoundException>(() => _f.Api.GetPathsInfoAsync(Repo, ["config.json"], revision: "nope"));
    }

    [Fact]
    public async Task Server_errors_are_retried_with_the_same_form()
    {
        FaultRule fault = _f.Hub.InjectFault(FakeFault.Status(502), r => r.Method == "POST");

        var entries = await _f.Api.GetPathsInfoAsync(Repo, ["config.json", "onnx"]);

        Assert.Equal(1, fault.Hits);
        Assert.Equal(2, entries.Count);
    }
}
