namespace HubClient.Tests.Api;

public sealed class RepoExistenceTests : IAsyncLifetime
{
    private const string Repo = "acme/tiny-model";
    private readonly HubFixture _f = new();
    private FakeCommit _commit = null!;

    public Task InitializeAsync()
    {
        _commit = _f.Hub.AddRepo(Repo).Commit(c => c.Add("config.json", "{}").AddLfs("weights/model bin ✓.safetensors", Bytes.Random(100)));
        _f.Hub.AddRepo("acme/gated").Gated = true;
        _f.Hub.AddRepo("acme/secret").Private = true;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    [Fact]
    public async Task File_exists_for_regular_and_lfs_files_only()
    {
        Assert.True(await _f.Api.FileExistsAsync(Repo, "config.json"));
        Assert.True(await _f.Api.FileExistsAsync(Repo, "weights/model bin ✓.safetensors", revision: _commit.Sha));
        Assert.False(await _f.Api.FileExistsAsync(Repo, "missing.json"));
        Assert.False(await _f.Api.FileExistsAsync(Repo, "config.json", revision: "no-such-branch"));
        Assert.False(await _f.Api.FileExistsAsync("acme/nope", "config.json"));
        Assert.False(await _f.Api.FileExistsAsync("acme/secret", "config.json"));
        Assert.All(_f.Hub.Requests, r => Assert.Equal("HEAD", r.Method));
        Assert.Contains(_f.Hub.Requests, r => r.Path.EndsWith("/weights/model%20bin%20%E2%9C%93.safetensors", StringComparison.Ordinal));
        Assert.DoesNotContain(_f.Hub.Requests, r => r.IsCdn);
    }

    [Fact]
    public async Task File_exists_in_a_gated_repo_without_access_throws()
    {
        await Assert.ThrowsAsync<GatedRepositoryException>(() => _f.Api.FileExistsAsync("acme/gated", "config.json"));
    }

    [Fact]
    public async Task Repo_exists_is_true_for_gated_and_false_for_missing_or_hidden_repos()
    {
        _f.Hub.AddRepo("acme/empty");

        Assert.True(await _f.Api.RepoExistsAsync(Repo));
        Assert.True(await _f.Api.RepoExistsAsync("acme/gated"));
        Assert.True(await _f.Api.RepoExistsAsync("acme/empty"));
        Assert.False(await _f.Api.RepoExistsAsync("acme/nope"));
        Assert.False(await _f.Api.RepoExistsAsync("acme/secret"));
        Assert.False(await _f.Api.RepoExistsAsync(Repo, RepoType.Dataset));
    }

    [Fact]
    public async Task Revision_exists_for_branches_and_commits_only()
    {
        Assert.True(await _f.Api.RevisionExistsAsync(Repo, "main"));
        Assert.True(await _f.Api.RevisionExistsAsync(Repo, _commit.Sha));
        Assert.False(await _f.Api.RevisionExistsAsync(Repo, "v9"));
        Assert.False(await _f.Api.RevisionExistsAsync("acme/nope", "main"));
        await Assert.ThrowsAsync<GatedRepositoryException>(() => _f.Api.RevisionExistsAsync("acme/gated", "main"));
    }

    [Fact]
    public async Task A_bad_token_is_an_error_not_a_missing_repo()
    {
        using HubApi api = _f.NewClient(o => o.Token = "hf_wrong");

        var e = await Assert.ThrowsAsync<HubException>(() => api.RepoExistsAsync(Repo));

        Assert.Contains("Invalid credentials", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hf_wrong", e.Message, StringComparison.Ordinal);
    }
}
