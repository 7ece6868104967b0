using System.Text.Json;

namespace HubClient.Tests.Cli;

public sealed class SearchCommandTests : IAsyncLifetime
{
    private readonly HubFixture _f = new();

    public Task InitializeAsync()
    {
        _f.Hub.AddTinyModel(weightsBytes: 1000);
        FakeRepo big = _f.Hub.AddRepo("acme/big-model");
        big.Downloads = 99_000;
        big.Likes = 3;
        big.PipelineTag = "text-generation";
        big.LibraryName = "transformers";
        big.RepoTags.Add("license:mit");
        _f.Hub.AddRepo("acme/small-model").Downloads = 10;
        FakeRepo dataset = _f.Hub.AddRepo("acme/reviews", RepoType.Dataset);
        dataset.Downloads = 500;
        _f.Hub.AddRepo("other/corpus", RepoType.Dataset);
        _f.Hub.AddRepo("acme/demo-space", RepoType.Space).Likes = 7;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    private Task<CliResult> Run(params string[] args) => CliRunner.RunAsync(_f, args);

    [Fact]
    public async Task Models_json_is_an_array_of_the_hubs_model_objects()
    {
        CliResult run = await Run("models", "--sort", "downloads", "--json");

        Assert.Equal(0, run.Code);
        using JsonDocument json = JsonDocument.Parse(run.Out);
        JsonElement[] models = json.RootElement.EnumerateArray().ToArray();
        Assert.Equal(["acme/big-model", "demo/tiny-model", "acme/small-model"], models.Select(m => m.GetProperty("id").GetString()));
        Assert.Equal(99_000, models[0].GetProperty("downloads").GetInt64());
        Assert.Equal("text-generation", models[0].GetProperty("pipeline_tag").GetString());
    }

    [Fact]
    public async Task Models_table_has_a_row_per_match_and_search_author_filter_limit_narrow_it()
    {
        CliResult run = await Run("models", "--author", "acme", "--search", "model", "--filter", "license:mit");

        Assert.Equal(0, run.Code);
        Assert.Equal(2, run.OutLines.Length);
        Assert.Matches(@"^ID\s+DOWNLOADS\s+LIKES\s+TASK\s+LIBRARY\s+CREATED$", run.OutLines[0]);
        Assert.Matches(@"^acme/big-model\s+99,000\s+3\s+text-generation\s+transformers\s+2023-06-01$", run.OutLines[1]);

        run = await Run("models", "--sort", "downloads", "--limit", "1", "--json");
        using JsonDocument json = JsonDocument.Parse(run.Out);
        Assert.Equal("acme/big-model", Assert.Single(json.RootElement.EnumerateArray()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task Datasets_and_spaces_list_their_own_kind()
    {
        CliResult datasets = await Run("datasets", "--author", "acme");
        CliResult spaces = await Run("spaces", "--json");

        Assert.Equal(0, datasets.Code);
        Assert.Contains(datasets.OutLines, l => l.StartsWith("acme/reviews", StringComparison.Ordinal) && l.Contains("500", StringComparison.Ordinal));
        Assert.DoesNotContain(datasets.OutLines, l => l.StartsWith("other/corpus", StringComparison.Ordinal));
        using JsonDocument json = JsonDocument.Parse(spaces.Out);
        Assert.Equal("acme/demo-space", Assert.Single(json.RootElement.EnumerateArray()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task No_match_says_so()
    {
        CliResult run = await Run("models", "--search", "no-such-thing");

        Assert.Equal(0, run.Code);
        Assert.Equal("No models match.", Assert.Single(run.OutLines));
    }

    [Theory]
    [InlineData("--sort", "popularity")]
    [InlineData("--limit", "-1")]
    public async Task Bad_search_options_are_usage_errors(string option, string value)
    {
        CliResult run = await Run("models", option, value);

        Assert.Equal(2, run.Code);
        CliRunner.AssertNoStackTrace(run.Err);
        Assert.Contains(option, run.Err, StringComparison.Ordinal);
    }
}
