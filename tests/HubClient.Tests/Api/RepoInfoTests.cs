using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HubClient.Tests.Api;

public sealed class RepoInfoTests : IAsyncLifetime
{
    private const string Repo = "acme/tiny-model";
    private static readonly byte[] Weights = Bytes.Random(1000);
    private readonly HubFixture _f = new();
    private FakeRepo _repo = null!;
    private FakeCommit _commit = null!;

    public Task InitializeAsync()
    {
        _repo = _f.Hub.AddRepo(Repo);
        _repo.Downloads = 1234;
        _repo.Likes = 56;
        _repo.RepoTags.Add("bert");
        _commit = _repo.Commit(c => c.Add("config.json", "{}").AddLfs("model.safetensors", Weights));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    [Fact]
    public async Task Repo_info_reports_the_resolved_commit_counters_tags_and_files()
    {
        RepoInfo info = await _f.Api.GetRepoInfoAsync(Repo, revision: "main", repoType: RepoType.Model);

        ModelInfo model = Assert.IsType<ModelInfo>(info);
        Assert.Equal(Repo, model.Id);
        Assert.Equal("acme", model.Author);
        Assert.Equal(_commit.Sha, model.Sha);
        Assert.Equal(_commit.Date, model.LastModified);
        Assert.Equal(1234, model.Downloads);
        Assert.Equal(56, model.Likes);
        Assert.Equal(["bert"], model.Tags);
        Assert.Equal(RepoGating.NotGated, model.Gated);
        Assert.False(model.IsPrivate);
        Assert.Equal(["config.json", "model.safetensors"], model.Siblings.Select(s => s.Path));
        Assert.All(model.Siblings, s => Assert.Null(s.Size));
        FakeHubRequest request = Assert.Single(_f.Hub.Requests);
        Assert.Equal("/api/models/acme/tiny-model/revision/main", request.Path);
        Assert.Equal("", request.Query);
    }

    [Fact]
    public async Task Files_metadata_asks_blobs_true_and_reads_sizes_blob_ids_and_lfs_sha256()
    {
        ModelInfo info = await _f.Api.GetModelInfoAsync(Repo, filesMetadata: true);

        Assert.Equal(["true"], Assert.Single(_f.Hub.Requests).Values("blobs"));
        RepoSibling config = info.Siblings.Single(s => s.Path == "config.json");
        Assert.Equal(_commit.Files["config.json"].GitSha1, config.BlobId);
        Assert.Equal(2, config.Size);
        Assert.Null(config.Lfs);
        RepoSibling weights = info.Siblings.Single(s => s.Path == "model.safetensors");
        Assert.Equal(Bytes.Sha256(Weights), weights.Lfs?.Oid);
        Assert.Equal(Weights.Length, weights.Lfs?.Size);
        Assert.Equal(134, weights.Lfs?.PointerSize);
    }

    [Fact]
    public async Task Revision_with_slashes_is_escaped_as_one_segment()
    {
        FakeCommit pr = _repo.Commit(c => c.Add("pr.txt", "x"), branch: "refs/pr/1");

        RepoInfo info = await _f.Api.GetRepoInfoAsync(Repo, revision: "refs/pr/1");

        Assert.Equal(pr.Sha, info.Sha);
        Assert.Equal("/api/models/acme/tiny-model/revision/refs%2Fpr%2F1", Assert.Single(_f.Hub.Requests).Path);
    }

    [Fact]
    public async Task Dataset_and_space_info_use_their_api_paths_and_types()
    {
        _f.Hub.AddRepo("acme/corpus", RepoType.Dataset).Commit(c => c.Add("data.csv", "a,b"));
        _f.Hub.AddRepo("acme/demo", RepoType.Space).Commit(c => c.Add("app.py", "print()"));

        RepoInfo dataset = await _f.Api.GetRepoInfoAsync("acme/corpus", repoType: RepoType.Dataset);
        SpaceInfo space = await _f.Api.GetSpaceInfoAsync("acme/demo");

        Assert.IsType<DatasetInfo>(dataset);
        Assert.Equal("acme/demo", space.Id);
        Assert.Equal(["/api/datasets/acme/corpus/revision/main", "/api/spaces/acme/demo/revision/main"], _f.Hub.Requests.Select(r => r.Path));
    }

    [Fact]
    public async Task Missing_private_and_gated_repos_and_missing_revisions_map_to_typed_exceptions()
    {
        _f.Hub.AddRepo("acme/secret").Private = true;
        _f.Hub.AddRepo("acme/gated").Gated = true;

        await Assert.ThrowsAsync<RepositoryNotFoundException>(() => _f.Api.GetRepoInfoAsync("acme/nope"));
        var hidden = await Assert.ThrowsAsync<RepositoryNotFoundException>(() => _f.Api.GetRepoInfoAsync("acme/secret"));
        await Assert.ThrowsAsync<GatedRepositoryException>(() => _f.Api.GetRepoInfoAsync("acme/gated"));
        await Assert.ThrowsAsync<RevisionNotFoundException>(() => _f.Api.GetRepoInfoAsync(Repo, revision: "v9"));
        Assert.Equal(HttpStatusCode.Unauthorized, hidden.StatusCode);
        Assert.IsNotType<GatedRepositoryException>(hidden);
        Assert.Contains("its type (a dataset or a space needs RepoType), and for a private or gated repository, a token", hidden.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Private_repo_opens_with_the_token()
    {
        _f.Hub.AddRepo("acme/secret").Private = true;
        _f.Hub.FindRepo("acme/secret")!.Commit(c => c.Add("a.txt", "a"));
        using HubApi api = _f.NewClient(o => o.Token = _f.Hub.ValidToken);

        RepoInfo info = await api.GetRepoInfoAsync("acme/secret");

        Assert.True(info.IsPrivate);
    }

    [Fact]
    public async Task Malformed_json_throws_a_HubProtocolException_naming_the_url()
    {
        _f.Hub.InjectFault(FakeFault.MalformedJson(), RequestFilters.Api);

        var e = await Assert.ThrowsAsync<HubProtocolException>(() => _f.Api.GetRepoInfoAsync(Repo));

        Assert.Contains($"{_f.Hub.Endpoint}/api/models/acme/tiny-model/revision/main", e.Message, StringComparison.Ordinal);
        Assert.Equal("/api/models/acme/tiny-model/revision/main", e.RequestUri?.AbsolutePath);
        Assert.IsAssignableFrom<System.Text.Json.JsonException>(e.InnerException);
    }

    [Fact]
    public async Task Expand_with_files_metadata_is_rejected_before_any_request()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => _f.Api.GetRepoInfoAsync(Repo, filesMetadata: true, expand: ["downloads"]));

        Assert.Equal("expand", e.ParamName);
        Assert.Empty(_f.Hub.Requests);
    }

    [Fact]
    public async Task Offline_mode_refuses_api_calls_without_any_request()
    {
        using HubApi offline = _f.NewClient(o => o.Offline = true);

        var e = await Assert.ThrowsAsync<HubException>(() => offline.GetRepoInfoAsync(Repo));

        Assert.Contains("Offline", e.Message, StringComparison.Ordinal);
        Assert.Empty(_f.Hub.Requests);
    }

    [Fact]
    public async Task Card_data_safetensors_gating_and_unknown_fields_are_read()
    {
        _repo.PipelineTag = "text-classification";
        _repo.LibraryName = "transformers";
        _repo.InfoFields["cardData"] = JsonNode.Parse("""{"license": "mit", "language": ["en", "fr"]}""");
        _repo.InfoFields["safetensors"] = JsonNode.Parse("""{"parameters": {"F32": 1000, "BF16": 24}, "total": 1024}""");
        _repo.InfoFields["gated"] = "manual";
        _repo.InfoFields["usedStorage"] = 4096;
        _repo.InfoFields["spaces"] = JsonNode.Parse("""["acme/demo"]""");
        _repo.InfoFields["someFutureField"] = JsonNode.Parse("""{"nested": [1, 2, 3]}""");

        ModelInfo info = await _f.Api.GetModelInfoAsync(Repo);

        Assert.Equal("text-classification", info.PipelineTag);
        Assert.Equal("transformers", info.LibraryName);
        Assert.Equal(_repo.CreatedAt, info.CreatedAt);
        Assert.Equal("mit", info.CardData?.GetProperty("license").GetString());
        Assert.Equal(2, info.CardData?.GetProperty("language").GetArrayLength());
        Assert.Equal(1024, info.Safetensors?.Total);
        Assert.Equal(1000, info.Safetensors?.Parameters["F32"]);
        Assert.Equal(RepoGating.Manual, info.Gated);
        Assert.True(info.Gated?.IsGated);
        Assert.Equal(4096, info.UsedStorage);
        Assert.Equal(JsonValueKind.Array, info.AdditionalProperties["spaces"].ValueKind);
        Assert.Equal(3, info.AdditionalProperties["someFutureField"].GetProperty("nested").GetArrayLength());
    }

    [Fact]
    public async Task Gating_reads_false_auto_manual_and_values_added_later()
    {
        _f.Hub.AddRepo("acme/auto").Commit(c => c.Add("a", "a"));
        _f.Hub.FindRepo("acme/auto")!.InfoFields["gated"] = "auto";
        _f.Hub.AddRepo("acme/later").Commit(c => c.Add("a", "a"));
        _f.Hub.FindRepo("acme/later")!.InfoFields["gated"] = "by-invitation";

        Assert.Equal(RepoGating.NotGated, (await _f.Api.GetRepoInfoAsync(Repo)).Gated);
        Assert.Equal(RepoGating.Auto, (await _f.Api.GetRepoInfoAsync("acme/auto")).Gated);
        RepoGating? later = (await _f.Api.GetRepoInfoAsync("acme/later")).Gated;
        Assert.True(later?.IsGated);
        Assert.Equal("by-invitation", later?.ToString());
    }

    [Fact]
    public async Task Expand_is_repeated_and_only_the_fields_asked_for_come_back()
    {
        ModelInfo info = await _f.Api.GetModelInfoAsync(Repo, expand: ["downloads", "likes"]);

        Assert.Equal(["downloads", "likes"], Assert.Single(_f.Hub.Requests).Values("expand"));
        Assert.Equal(1234, info.Downloads);
        Assert.Null(info.Sha);
        Assert.Empty(info.Siblings);
    }

    [Fact]
    public async Task Renamed_repo_redirect_is_followed()
    {
        _f.Hub.RenameRepo("acme/old-name", Repo);

        RepoInfo info = await _f.Api.GetRepoInfoAsync("acme/old-name");

        Assert.Equal(Repo, info.Id);
        Assert.Equal(["/api/models/acme/old-name/revision/main", "/api/models/acme/tiny-model/revision/main"], _f.Hub.Requests.Select(r => r.Path));
    }

    [Fact]
    public async Task Repo_info_without_a_commit_id_is_a_protocol_error()
    {
        _f.Hub.InjectFault(FakeFault.JsonBody("""{"id": "acme/tiny-model", "siblings": []}"""), RequestFilters.Api);

        var e = await Assert.ThrowsAsync<HubProtocolException>(() => _f.Api.GetRepoInfoAsync(Repo));

        Assert.Contains("commit id", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unsafe_sibling_path_is_refused()
    {
        _f.Hub.InjectFault(FakeFault.JsonBody($$"""{"id": "acme/tiny-model", "sha": "{{_commit.Sha}}", "siblings": [{"rfilename": "C:/Windows/evil.dll"}]}"""), RequestFilters.Api);

        var e = await Assert.ThrowsAsync<HubProtocolException>(() => _f.Api.GetRepoInfoAsync(Repo));

        Assert.Contains("unsafe path", e.Message, StringComparison.Ordinal);
    }
}
