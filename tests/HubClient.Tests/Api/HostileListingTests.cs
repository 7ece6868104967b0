namespace HubClient.Tests.Api;

/// <summary>Hostile or odd listing answers (lazy pagination) end as HubProtocolException naming the URL, never as an untyped exception or a null item.</summary>
public sealed class HostileListingTests : IAsyncLifetime
{
    private const string Repo = "acme/tiny-model";
    private readonly HubFixture _f = new();

    public Task InitializeAsync()
    {
        _f.Hub.AddRepo(Repo).Commit(c => c.Add("README.md", "# tiny").Add("a/b.txt", "x"));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    [Fact]
    public async Task A_null_item_in_a_model_search_page_is_a_protocol_error_not_a_NullReferenceException()
    {
        _f.Hub.InjectFault(FakeFault.JsonBody("""[null]"""), RequestFilters.Api);

        await Assert.ThrowsAsync<HubProtocolException>(() => _f.Api.ListModelsAsync().ToListAsync().AsTask());
    }

    [Fact]
    public async Task A_null_item_in_a_tree_page_is_a_protocol_error_not_a_NullReferenceException()
    {
        _f.Hub.InjectFault(FakeFault.JsonBody("""[null]"""), RequestFilters.Api);

        await Assert.ThrowsAsync<HubProtocolException>(() => _f.Api.ListRepoTreeAsync(Repo).ToListAsync().AsTask());
    }

    [Fact]
    public async Task A_null_item_in_a_repo_files_page_is_a_protocol_error_not_a_NullReferenceException()
    {
        _f.Hub.InjectFault(FakeFault.JsonBody("""[null]"""), RequestFilters.Api);

        await Assert.ThrowsAsync<HubProtocolException>(() => _f.Api.ListRepoFilesAsync(Repo).ToListAsync().AsTask());
    }

    [Fact]
    public async Task A_null_item_in_a_commits_page_is_refused_not_yielded_as_a_null_CommitInfo()
    {
        _f.Hub.InjectFault(FakeFault.JsonBody("""[null]"""), RequestFilters.Api);

        await Assert.ThrowsAsync<HubProtocolException>(() => _f.Api.ListRepoCommitsAsync(Repo).ToListAsync().AsTask());
    }

    [Fact]
    public async Task A_null_commit_author_is_refused_not_yielded_as_null()
    {
        _f.Hub.InjectFault(FakeFault.JsonBody(
            """[{"id": "0123456789012345678901234567890123456789", "date": "2024-01-01T00:00:00Z", "authors": [null]}]"""), RequestFilters.Api);

        await Assert.ThrowsAsync<HubProtocolException>(() => _f.Api.ListRepoCommitsAsync(Repo).ToListAsync().AsTask());
    }

    [Fact]
    public async Task A_tree_entry_without_its_type_is_a_protocol_error_not_a_NotSupportedException()
    {
        _f.Hub.InjectFault(FakeFault.JsonBody("""[{"path": "a.txt", "oid": "0123", "size": 1}]"""), RequestFilters.Api);

        await Assert.ThrowsAsync<HubProtocolException>(() => _f.Api.ListRepoTreeAsync(Repo).ToListAsync().AsTask());
    }

    [Fact]
    public async Task A_paths_info_entry_without_its_type_is_a_protocol_error_not_a_NotSupportedException()
    {
        _f.Hub.InjectFault(FakeFault.JsonBody("""[{"path": "README.md", "oid": "0123", "size": 1}]"""), RequestFilters.Api);

        await Assert.ThrowsAsync<HubProtocolException>(() => _f.Api.GetPathsInfoAsync(Repo, ["README.md"]));
    }

    [Fact]
    public async Task Next_links_that_cycle_between_two_pages_end_the_listing_with_an_error()
    {
        string e = _f.Hub.Endpoint;
        _f.Hub.InjectFault(FakeFault.JsonBody("""[{"id": "acme/a"}]""", nextLink: e + "/api/models?cursor=1"),
            r => RequestFilters.Api(r) && !r.Query.Contains("cursor", StringComparison.Ordinal), times: null);
        _f.Hub.InjectFault(FakeFault.JsonBody("""[{"id": "acme/b"}]""", nextLink: e + "/api/models?cursor=2"),
            r => r.Query.Contains("cursor=1", StringComparison.Ordinal), times: null);
        _f.Hub.InjectFault(FakeFault.JsonBody("""[{"id": "acme/c"}]""", nextLink: e + "/api/models?cursor=1"),
            r => r.Query.Contains("cursor=2", StringComparison.Ordinal), times: null);
        int seen = 0;

        // The hub sends cursor=1, cursor=2, cursor=1, ... forever: a link back to any page already read ends the listing.
        HubProtocolException error = await Assert.ThrowsAsync<HubProtocolException>(async () =>
        {
            await foreach (ModelInfo _ in _f.Api.ListModelsAsync(new ModelSearch { Limit = null }))
            {
                if (++seen >= 200) break;
            }
        });
        Assert.InRange(seen, 3, 8); // found within twice the loop's length
        Assert.Contains("loop", error.Message, StringComparison.Ordinal);
    }
}
