namespace HubClient.Tests.Cli;

/// <summary>Bad option values and hostile listings: one error line and the right exit code, valid JSON on stdout.</summary>
public sealed class CliBadInputTests : IAsyncLifetime
{
    private readonly HubFixture _f = new();

    public Task InitializeAsync()
    {
        _f.Hub.AddTinyModel(weightsBytes: 1000);
        for (int i = 0; i < 5; i++) _f.Hub.AddRepo($"acme/bert-{i}");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    [Theory]
    [InlineData("models", "--limit", "abc")]
    [InlineData("datasets", "--limit", "99999999999")]
    [InlineData("spaces", "--limit", "1.5")]
    [InlineData("models", "--limit", "-1")]
    [InlineData("download", "--max-workers", "many")]
    public async Task A_limit_that_is_not_an_int_is_a_usage_error_not_an_unhandled_exception(string command, string option, string value)
    {
        // HubCommandLine.RunAsync must never throw: in the real process this is an unhandled-exception crash with a stack trace.
        string[] args = command == "download" ? [command, DemoRepos.TinyModel, option, value] : [command, option, value];
        CliResult run = await CliRunner.RunAsync(_f, args);

        Assert.Equal(2, run.Code);
        Assert.Contains(option, run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ls_of_a_listing_with_a_null_entry_is_not_a_NullReferenceException_message()
    {
        _f.Hub.InjectFault(FakeFault.JsonBody("[null]"), RequestFilters.Api);

        CliResult run = await CliRunner.RunAsync(_f, ["ls", DemoRepos.TinyModel]);

        Assert.Equal(1, run.Code);
        Assert.DoesNotContain("Object reference not set", run.Err, StringComparison.Ordinal);
        Assert.Contains("null", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_output_of_a_listing_that_fails_on_a_later_page_is_not_left_as_truncated_json()
    {
        _f.Hub.ListingPageSize = 2;
        _f.Hub.InjectFault(FakeFault.Status(404, "{\"error\": \"gone\"}"), r => r.Query.Contains("cursor=2", StringComparison.Ordinal), times: null);

        CliResult run = await CliRunner.RunAsync(_f, ["models", "--json", "--limit", "0"]);

        Assert.Equal(1, run.Code);
        // What arrived, as valid JSON: a script reading stdout must not get "[ {..}, {..}" with no "]".
        using System.Text.Json.JsonDocument json = System.Text.Json.JsonDocument.Parse(run.Out);
        Assert.Equal(2, json.RootElement.GetArrayLength());
    }
}
