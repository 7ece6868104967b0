using System.Text.Json.Nodes;

namespace HubClient.Tests.Api;

public sealed class RepoSearchTests : IAsyncLifetime
{
    private readonly HubFixture _f = new();

    public Task InitializeAsync()
    {
        for (int i = 1; i <= 7; i++)
        {
            FakeRepo repo = _f.Hub.AddRepo($"acme/bert-{i}");
            repo.Downloads = i * 10;
            repo.Likes = 100 - i;
            repo.Commit(c => c.Add("config.json", "{}"));
        }
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    [Fact]
    public async Task Listing_follows_link_headers_across_three_or_more_pages()
    {
        _f.Hub.ListingPageSize = 2;

        var models = await _f.Api.ListModelsAsync(new ModelSearch { Sort = RepoSort.Downloads }).ToListAsync();

        Assert.Equal(["acme/bert-7", "acme/bert-6", "acme/bert-5", "acme/bert-4", "acme/bert-3", "acme/bert-2", "acme/bert-1"], models.Select(m => m.Id));
        Assert.Equal([70, 60, 50, 40, 30, 20, 10], models.Select(m => m.Downloads));
        IReadOnlyList<FakeHubRequest> requests = _f.Hub.Requests;
        Assert.Equal(4, requests.Count);
        Assert.All(requests, r => Assert.Equal("/api/models", r.Path));
        Assert.Equal([[], ["2"], ["4"], ["6"]], requests.Select(r => r.Values("cursor")));
        Assert.All(requests, r => Assert.Equal(["downloads"], r.Values("sort")));
    }

    [Fact]
    public async Task Stopping_early_fetches_no_further_page()
    {
        _f.Hub.ListingPageSize = 2;
        var seen = new List<string>();

        await foreach (ModelInfo model in _f.Api.ListModelsAsync())
        {
            seen.Add(model.Id);
            if (seen.Count == 3) break;
        }

        Assert.Equal(3, seen.Count);
        Assert.Equal(2, _f.Hub.Requests.Count);
    }

    [Theory]
    [InlineData(3, 2)]
    [InlineData(4, 2)]
    [InlineData(1, 1)]
    public async Task Limit_ends_the_listing_without_fetching_past_it(int limit, int expectedRequests)
    {
        _f.Hub.ListingPageSize = 2;

        var models = await _f.Api.ListModelsAsync(new ModelSearch { Limit = limit }).ToListAsync();

        Assert.Equal(limit, models.Count);
        Assert.Equal(expectedRequests, _f.Hub.Requests.Count);
        Assert.All(_f.Hub.Requests, r => Assert.Equal([limit.ToString(System.Globalization.CultureInfo.InvariantCulture)], r.Values("limit")));
    }

    [Fact]
    public async Task Limit_zero_makes_no_request()
    {
        Assert.Empty(await _f.Api.ListModelsAsync(new ModelSearch { Limit = 0 }).ToListAsync());
        Assert.Empty(_f.Hub.Requests);
    }

    [Fact]
    public async Task Limit_ends_the_pages_too_the_last_one_trimmed_and_without_token()
    {
        _f.Hub.ListingPageSize = 2;

        var pages = await _f.Api.ListModelsAsync(new ModelSearch { Limit = 3 }).AsPages().ToListAsync();

        Assert.Equal([2, 1], pages.Select(p => p.Values.Count));
        Assert.NotNull(pages[0].ContinuationToken);
        Assert.Null(pages[1].ContinuationToken);
    }

    [Fact]
    public async Task Every_model_search_parameter_reaches_the_hub_spelled_as_it_expects()
    {
        var search = new ModelSearch
        {
            Search = "bert base",
            Author = "acme",
            Filters = { "license:mit", "en" },
            PipelineTag = "fill-mask",
            Library = "transformers",
            Sort = RepoSort.LastModified,
            Limit = 10,
            Full = true,
            CardData = true,
        };

        await _f.Api.ListModelsAsync(search).ToListAsync();

        FakeHubRequest request = Assert.Single(_f.Hub.Requests);
        Assert.Equal("/api/models", request.Path);
        Assert.Equal(
            [("search", "bert base"), ("author", "acme"), ("filter", "license:mit"), ("filter", "en"), ("sort", "lastModified"), ("limit", "10"),
             ("full", "true"), ("pipeline_tag", "fill-mask"), ("library", "transformers"), ("cardData", "true")],
            request.Parameters());
        Assert.Contains("search=bert%20base", request.Query, StringComparison.Ordinal);
        Assert.Contains("filter=license%3Amit", request.Query, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(RepoSort.Downloads, "downloads")]
    [InlineData(RepoSort.Likes, "likes")]
    [InlineData(RepoSort.LastModified, "lastModified")]
    [InlineData(RepoSort.CreatedAt, "createdAt")]
    [InlineData(RepoSort.TrendingScore, "trendingScore")]
    public async Task Sort_orders_are_spelled_as_the_hub_expects(RepoSort sort, string expected)
    {
        await _f.Api.ListModelsAsync(new ModelSearch { Sort = sort, Limit = 1 }).ToListAsync();

        FakeHubRequest request = Assert.Single(_f.Hub.Requests);
        Assert.Equal([expected], request.Values("sort"));
        Assert.Equal(200, request.StatusCode);
    }

    [Fact]
    public async Task Expand_is_repeated_and_the_hub_sends_only_those_fields()
    {
        var models = await _f.Api.ListModelsAsync(new ModelSearch { Expand = { "downloads", "sha" }, Limit = 1 }).ToListAsync();

        Assert.Equal(["downloads", "sha"], Assert.Single(_f.Hub.Requests).Values("expand"));
        ModelInfo model = Assert.Single(models);
        Assert.NotNull(model.Downloads);
        Assert.NotNull(model.Sha);
        Assert.Null(model.Likes);
    }

    [Fact]
    public async Task Search_author_and_filters_select_the_repos()
    {
        _f.Hub.AddRepo("other/bert-x").RepoTags.Add("en");
        FakeRepo tagged = _f.Hub.FindRepo("acme/bert-3")!;
        tagged.RepoTags.Add("en");
        tagged.PipelineTag = "fill-mask";

        var byAuthor = await _f.Api.ListModelsAsync(new ModelSearch { Author = "other" }).ToListAsync();
        var byFilter = await _f.Api.ListModelsAsync(new ModelSearch { Filters = { "en" }, Search = "acme" }).ToListAsync();
        var byTask = await _f.Api.ListModelsAsync(new ModelSearch { PipelineTag = "fill-mask" }).ToListAsync();

        Assert.Equal(["other/bert-x"], byAuthor.Select(m => m.Id));
        Assert.Equal(["acme/bert-3"], byFilter.Select(m => m.Id));
        Assert.Equal("fill-mask", Assert.Single(byTask).PipelineTag);
    }

    [Fact]
    public async Task Datasets_and_spaces_are_listed_from_their_own_endpoints()
    {
        _f.Hub.AddRepo("acme/corpus", RepoType.Dataset).Downloads = 5;
        _f.Hub.AddRepo("acme/demo", RepoType.Space).Likes = 2;

        DatasetInfo dataset = Assert.Single(await _f.Api.ListDatasetsAsync(new DatasetSearch { Author = "acme", Sort = RepoSort.Likes }).ToListAsync());
        SpaceInfo space = Assert.Single(await _f.Api.ListSpacesAsync(new SpaceSearch { Search = "demo", Full = true }).ToListAsync());

        Assert.Equal(("acme/corpus", 5L), (dataset.Id, dataset.Downloads));
        Assert.Equal(("acme/demo", 2L), (space.Id, space.Likes));
        Assert.Equal(["/api/datasets", "/api/spaces"], _f.Hub.Requests.Select(r => r.Path));
        Assert.Equal([("author", "acme"), ("sort", "likes")], _f.Hub.Requests[0].Parameters());
        Assert.Equal([("search", "demo"), ("full", "true")], _f.Hub.Requests[1].Parameters());
    }

    [Fact]
    public async Task Private_repos_are_listed_only_with_the_token()
    {
        _f.Hub.FindRepo("acme/bert-1")!.Private = true;
        using HubApi withToken = _f.NewClient(o => o.Token = _f.Hub.ValidToken);

        var anonymous = await _f.Api.ListModelsAsync().ToListAsync();
        var authorized = await withToken.ListModelsAsync().ToListAsync();

        Assert.DoesNotContain(anonymous, m => m.Id == "acme/bert-1");
        Assert.Contains(authorized, m => m.Id == "acme/bert-1" && m.IsPrivate == true);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void Expand_with_full_or_card_data_is_rejected_before_any_request(bool full, bool cardData)
    {
        var search = new ModelSearch { Expand = { "downloads" }, Full = full, CardData = cardData };

        var e = Assert.Throws<ArgumentException>(() => _f.Api.ListModelsAsync(search));

        Assert.Equal("search", e.ParamName);
        Assert.Empty(_f.Hub.Requests);
    }

    [Fact]
    public void Negative_limit_is_rejected_before_any_request()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _f.Api.ListDatasetsAsync(new DatasetSearch { Limit = -1 }));
        Assert.Empty(_f.Hub.Requests);
    }

    [Fact]
    public async Task Fields_unknown_to_the_client_are_kept_as_raw_json()
    {
        FakeRepo repo = _f.Hub.FindRepo("acme/bert-1")!;
        repo.InfoFields["inferenceProviderMapping"] = JsonNode.Parse("""{"acme-cloud": {"status": "live"}}""");
        repo.InfoFields["brandNewCounter"] = 42;

        ModelInfo model = (await _f.Api.ListModelsAsync(new ModelSearch { Search = "bert-1", Full = true }).ToListAsync()).Single();

        Assert.Equal("live", model.AdditionalProperties["inferenceProviderMapping"].GetProperty("acme-cloud").GetProperty("status").GetString());
        Assert.Equal(42, model.AdditionalProperties["brandNewCounter"].GetInt32());
        Assert.Equal("acme/bert-1", model.Id);
    }

    [Theory]
    [InlineData("""{"error": "not a list"}""")]
    [InlineData("""[{"likes": 3}]""")]
    [InlineData("""[{"id": null}]""")]
    [InlineData("""[{"id": "acme/x", "likes": "many"}]""")]
    [InlineData("""[{"id": "acme/x", "gated": 3}]""")]
    [InlineData("""[{"id": "acme/x", "tags": null}]""")]
    [InlineData("""<html>proxy login</html>""")]
    public async Task Unexpected_shapes_throw_a_HubProtocolException_naming_the_url(string body)
    {
        _f.Hub.InjectFault(FakeFault.JsonBody(body), RequestFilters.Api);

        var e = await Assert.ThrowsAsync<HubProtocolException>(() => _f.Api.ListModelsAsync().ToListAsync().AsTask());

        Assert.Contains(_f.Hub.Endpoint + "/api/models", e.Message, StringComparison.Ordinal);
        Assert.Equal("/api/models", e.RequestUri?.AbsolutePath);
    }

    [Fact]
    public async Task Malformed_second_page_throws_after_the_first_page_was_read()
    {
        _f.Hub.ListingPageSize = 2;
        _f.Hub.InjectFault(FakeFault.MalformedJson(), r => r.Query.Contains("cursor=2", StringComparison.Ordinal));
        var seen = new List<string>();

        var e = await Assert.ThrowsAsync<HubProtocolException>(async () =>
        {
            await foreach (ModelInfo model in _f.Api.ListModelsAsync()) seen.Add(model.Id);
        });

        Assert.Equal(2, seen.Count);
        Assert.Contains("cursor=2", e.RequestUri?.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Next_link_to_another_host_is_not_followed()
    {
        _f.Hub.InjectFault(FakeFault.JsonBody("""[{"id": "acme/first"}]""", nextLink: _f.Hub.CdnEndpoint + "/api/models?cursor=1"), RequestFilters.Api);
        using HubApi api = _f.NewClient(o => o.Token = _f.Hub.ValidToken);

        var e = await Assert.ThrowsAsync<HubProtocolException>(() => api.ListModelsAsync().ToListAsync().AsTask());

        Assert.Contains("not followed", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_f.Hub.Requests, r => r.Host.StartsWith("localhost", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Relative_next_links_are_resolved_against_the_page()
    {
        _f.Hub.InjectFault(FakeFault.JsonBody("""[{"id": "acme/first"}]""", nextLink: "/api/models?cursor=6"), RequestFilters.Api);

        var models = await _f.Api.ListModelsAsync().ToListAsync();

        Assert.Equal(["acme/first", "acme/bert-7"], models.Select(m => m.Id));
        Assert.Equal(["6"], _f.Hub.Requests[1].Values("cursor"));
    }
}
