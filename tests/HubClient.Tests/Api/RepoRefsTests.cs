namespace HubClient.Tests.Api;

public sealed class RepoRefsTests : IAsyncLifetime
{
    private const string Repo = "acme/tiny-model";
    private readonly HubFixture _f = new();
    private FakeRepo _repo = null!;

    public Task InitializeAsync()
    {
        _repo = _f.Hub.AddRepo(Repo);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    [Fact]
    public async Task Refs_list_branches_tags_and_converts_with_their_commits()
    {
        FakeCommit main = _repo.Commit(c => c.Add("a.txt", "a"));
        FakeCommit dev = _repo.Commit(c => c.Add("b.txt", "b"), branch: "dev");
        _repo.SetTag("v1.0", main.Sha);
        _repo.SetBranch("refs/convert/parquet", dev.Sha);
        _repo.SetBranch("refs/pr/1", dev.Sha);

        GitRefs refs = await _f.Api.ListRepoRefsAsync(Repo);

        Assert.Equal([("dev", "refs/heads/dev", dev.Sha), ("main", "refs/heads/main", main.Sha)], refs.Branches.Select(r => (r.Name, r.Ref, r.TargetCommit)));
        Assert.Equal([("v1.0", "refs/tags/v1.0", main.Sha)], refs.Tags.Select(r => (r.Name, r.Ref, r.TargetCommit)));
        Assert.Equal([("parquet", "refs/convert/parquet")], refs.Converts.Select(r => (r.Name, r.Ref)));
        Assert.Null(refs.PullRequests);
        FakeHubRequest request = Assert.Single(_f.Hub.Requests);
        Assert.Equal("/api/models/acme/tiny-model/refs", request.Path);
        Assert.Equal("", request.Query);
    }

    [Fact]
    public async Task Pull_requests_are_listed_when_asked_for_with_include_prs()
    {
        FakeCommit main = _repo.Commit(c => c.Add("a.txt", "a"));
        _repo.SetBranch("refs/pr/1", main.Sha);

        GitRefs refs = await _f.Api.ListRepoRefsAsync(Repo, includePullRequests: true);

        GitRef pr = Assert.Single(refs.PullRequests!);
        Assert.Equal(("refs/pr/1", main.Sha), (pr.Ref, pr.TargetCommit));
        Assert.Equal(["1"], Assert.Single(_f.Hub.Requests).Values("include_prs"));
    }

    [Fact]
    public async Task Refs_of_datasets_use_their_api_path()
    {
        _f.Hub.AddRepo("acme/corpus", RepoType.Dataset).Commit(c => c.Add("a", "a"));

        GitRefs refs = await _f.Api.ListRepoRefsAsync("acme/corpus", repoType: RepoType.Dataset);

        Assert.Equal("main", Assert.Single(refs.Branches).Name);
        Assert.Equal("/api/datasets/acme/corpus/refs", Assert.Single(_f.Hub.Requests).Path);
    }

    [Fact]
    public async Task Refs_of_gated_and_missing_repos_throw_typed_exceptions()
    {
        _repo.Gated = true;

        await Assert.ThrowsAsync<GatedRepositoryException>(() => _f.Api.ListRepoRefsAsync(Repo));
        await Assert.ThrowsAsync<RepositoryNotFoundException>(() => _f.Api.ListRepoRefsAsync("acme/nope"));
    }

    [Fact]
    public async Task Commits_are_listed_newest_first_across_pages()
    {
        var made = Enumerable.Range(1, 5).Select(i => _repo.Commit(c => c.Add($"f{i}.txt", "x"), title: $"Add f{i}")).ToList();
        _f.Hub.CommitsPageSize = 2;

        var commits = await _f.Api.ListRepoCommitsAsync(Repo).ToListAsync();

        Assert.Equal(made.AsEnumerable().Reverse().Select(c => c.Sha), commits.Select(c => c.Id));
        CommitInfo newest = commits[0];
        Assert.Equal(("Add f5", made[^1].Date, ""), (newest.Title, newest.Date, newest.Message));
        Assert.Equal("hubclient-tests", Assert.Single(newest.Authors).User);
        Assert.Equal("https://example.invalid/avatar.png", newest.Authors[0].Avatar);
        Assert.Equal([[], ["1"], ["2"]], _f.Hub.Requests.Select(r => r.Values("p")));
        Assert.All(_f.Hub.Requests, r => Assert.Equal("/api/models/acme/tiny-model/commits/main", r.Path));
    }

    [Fact]
    public async Task Commits_of_a_revision_with_slashes_are_escaped_whole()
    {
        _repo.Commit(c => c.Add("a.txt", "a"));
        FakeCommit pr = _repo.Commit(c => c.Add("b.txt", "b"), branch: "refs/pr/3");

        var commits = await _f.Api.ListRepoCommitsAsync(Repo, revision: "refs/pr/3").ToListAsync();

        Assert.Equal(pr.Sha, commits[0].Id);
        Assert.Equal("/api/models/acme/tiny-model/commits/refs%2Fpr%2F3", Assert.Single(_f.Hub.Requests).Path);
    }

    [Fact]
    public async Task Commit_pages_can_be_continued_later_from_a_token()
    {
        Enumerable.Range(1, 5).ToList().ForEach(i => _repo.Commit(c => c.Add($"f{i}.txt", "x")));
        _f.Hub.CommitsPageSize = 2;
        HubPageable<CommitInfo> history = _f.Api.ListRepoCommitsAsync(Repo);
        await using IAsyncEnumerator<HubPage<CommitInfo>> pages = history.AsPages().GetAsyncEnumerator();
        Assert.True(await pages.MoveNextAsync());
        string token = pages.Current.ContinuationToken!;
        var firstIds = pages.Current.Values.Select(c => c.Id).ToList();

        var rest = await history.AsPages(token).ToListAsync();

        Assert.Equal([2, 1], rest.Select(p => p.Values.Count));
        Assert.Equal((await history.ToListAsync()).Select(c => c.Id), firstIds.Concat(rest.SelectMany(p => p.Values).Select(c => c.Id)));
    }

    [Fact]
    public async Task Commits_of_a_missing_revision_throw_RevisionNotFound_on_enumeration()
    {
        _repo.Commit(c => c.Add("a.txt", "a"));

        await Assert.ThrowsAsync<RevisionNotFoundException>(() => _f.Api.ListRepoCommitsAsync(Repo, revision: "nope").ToListAsync().AsTask());
    }
}
