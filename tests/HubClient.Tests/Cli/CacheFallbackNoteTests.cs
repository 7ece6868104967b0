namespace HubClient.Tests.Cli;

/// <summary>What <c>hub download</c> says when the cache answers because the hub did not.</summary>
public sealed class CacheFallbackNoteTests
{
    /// <summary>
    /// `hub download` with an expired or wrong token (HF_TOKEN) and the file in the cache: the hub answered — 401, invalid
    /// credentials — yet the note says it "could not be reached", pointing the user at the network instead of the token.
    /// </summary>
    [Fact]
    public async Task Cli_cache_fallback_after_a_refused_token_does_not_say_the_hub_could_not_be_reached()
    {
        await using var f = new HubFixture();
        f.Hub.AddTinyModel(weightsBytes: 10_000);
        CliResult first = await CliRunner.RunAsync(f, ["download", DemoRepos.TinyModel, "config.json", "--cache-dir", f.CacheDirectory]);
        Assert.Equal(0, first.Code);

        CliResult again = await CliRunner.RunAsync(f, ["download", DemoRepos.TinyModel, "config.json", "--cache-dir", f.CacheDirectory, "--token", "hf_wrong"]);

        Assert.Equal(0, again.Code); // huggingface_hub too falls back to the cache on an HTTP error
        Assert.DoesNotContain("could not be reached", again.Err, StringComparison.Ordinal);
        Assert.Contains("token", again.Err, StringComparison.OrdinalIgnoreCase);
    }
}
