using System.Net.Http.Headers;
using System.Text.Json;

namespace HubClient.Tests.Xet;

/// <summary>Hostile CAS answers through the public API (HubApi → TransferEngine → XetSource), against the fake hub.</summary>
public sealed class XetHostileEngineTests
{
    private const string Repo = "acme/xet-model";
    private static readonly byte[] Weights = Bytes.Random(700_000, seed: 77);

    private static bool V2(FakeHubRequest r) => r.IsCas && r.Path.StartsWith("/cas/v2/", StringComparison.Ordinal);

    /// <summary>
    /// A reconstruction with a null fetch entry is a malformed CAS answer: the bridge serves the file and no Xet partial is
    /// left. (Found by review: a raw NullReferenceException, the bridge never tried, a full-size Xet partial and its ledger
    /// left in blobs/, on every run.)
    /// </summary>
    [Fact]
    public async Task A_reconstruction_with_a_null_fetch_entry_falls_back_to_the_bridge()
    {
        await using var f = new HubFixture();
        f.Hub.AddRepo(Repo).Commit(c => c.AddXet("model.bin", Weights));
        string xorb = new('b', 64);
        f.Hub.InjectFault(FakeFault.Status(200, """{"offset_into_first_range":0,"terms":[],"xorbs":{"XORB":[null]}}""".Replace("XORB", xorb, StringComparison.Ordinal)), V2, times: null);

        Exception? e = await Record.ExceptionAsync(() => f.Api.DownloadFileAsync(Repo, "model.bin"));

        CacheInvariants.AssertNoUnverifiedBlob(f.CacheDirectory);
        Assert.Null(e);
        Assert.Contains(f.Hub.Requests, r => r.IsCdn); // served by the bridge
    }

    /// <summary>
    /// A reconstruction (from the CAS, a host other than the hub) whose signed xorb URL points at the hub's own host: the
    /// xorb GET carries no Authorization at all. (Found by review: it carried the user's hub token.)
    /// </summary>
    [Fact]
    public async Task A_xorb_url_pointing_back_at_the_hub_host_does_not_get_the_hub_token()
    {
        await using var f = new HubFixture(o => o.Token = "hf_fake_token");
        f.Hub.AddRepo(Repo).Private = true;
        f.Hub.FindRepo(Repo)!.Commit(c => c.AddXet("model.bin", Weights));
        FakeFile file = f.Hub.FindRepo(Repo)!.Resolve("main")!.Files["model.bin"];
        string commit = f.Hub.FindRepo(Repo)!.Resolve("main")!.Sha;

        // The fake CAS's own answer, with every xorb URL moved from the CDN host (localhost) to the hub host (127.0.0.1).
        string json;
        using (var client = new HttpClient())
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "hf_fake_token");
            using JsonDocument token = JsonDocument.Parse(await client.GetStringAsync($"{f.Hub.Endpoint}/api/models/{Repo}/xet-read-token/{commit}"));
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.RootElement.GetProperty("accessToken").GetString());
            json = await client.GetStringAsync($"{f.Hub.CasEndpoint}/v2/reconstructions/{file.XetHash}");
        }
        json = json.Replace(f.Hub.CdnEndpoint + "/xorbs/", f.Hub.Endpoint + "/xorbs/", StringComparison.Ordinal);
        Assert.Contains(f.Hub.Endpoint + "/xorbs/", json, StringComparison.Ordinal);
        f.Hub.InjectFault(FakeFault.Status(200, json), V2, times: null);
        f.Hub.ClearRequests();

        string path = await f.Api.DownloadFileAsync(Repo, "model.bin");

        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        FakeHubRequest[] xorbs = [.. f.Hub.Requests.Where(r => r.IsXorb)];
        Assert.NotEmpty(xorbs);
        Assert.All(xorbs, r => Assert.Equal("127.0.0.1:" + f.Hub.Port, r.Host));
        Assert.All(xorbs, r => Assert.Null(r.Authorization));
    }

    // ------------------------------------------------------------ behaved correctly (coverage)

    [Fact]
    public async Task A_read_token_with_an_exp_in_the_past_every_time_ends_on_the_bridge()
    {
        await using var f = new HubFixture();
        f.Hub.AddRepo(Repo).Commit(c => c.AddXet("model.bin", Weights));
        f.Hub.InjectFault(FakeFault.ExpiredXetToken(), r => r.IsXetToken, times: null);

        string path = await f.Api.DownloadFileAsync(Repo, "model.bin");

        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        Assert.Equal(2, f.Hub.Requests.Count(r => r.IsXetToken)); // one refresh, no loop
        Assert.Contains(f.Hub.Requests, r => r.IsCdn);
        CacheInvariants.AssertNoUnverifiedBlob(f.CacheDirectory);
        CacheInvariants.AssertNoIncomplete(f.CacheDirectory);
    }

    [Fact]
    public async Task A_read_token_whose_cas_is_another_host_gets_only_the_xet_token_there()
    {
        await using var f = new HubFixture(o => o.Token = "hf_fake_token");
        f.Hub.AddRepo(Repo).Commit(c => c.AddXet("model.bin", Weights));
        // casUrl on the hub's host itself: the Xet token goes there (the hub chose it), never the hub token.
        f.Hub.InjectFault(
            FakeFault.Status(200, $$"""{"accessToken":"xet_x","exp":{{DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds()}},"casUrl":"{{f.Hub.Endpoint}}/cas"}"""),
            r => r.IsXetToken, times: null);

        Exception? e = await Record.ExceptionAsync(() => f.Api.DownloadFileAsync(Repo, "model.bin"));

        Assert.Null(e);
        Assert.All(f.Hub.Requests.Where(r => r.IsCas), r => Assert.Equal("Bearer xet_x", r.Authorization));
        CacheInvariants.AssertNoUnverifiedBlob(f.CacheDirectory);
    }

    [Fact]
    public async Task A_xorb_answered_200_with_the_whole_xorb_falls_back_and_publishes_only_verified_bytes()
    {
        await using var f = new HubFixture();
        f.Hub.AddRepo(Repo).Commit(c => c.AddXet("model.bin", Weights));
        f.Hub.InjectFault(FakeFault.IgnoreRange(), r => r.IsXorb, times: null);

        string path = await f.Api.DownloadFileAsync(Repo, "model.bin");

        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        CacheInvariants.AssertNoUnverifiedBlob(f.CacheDirectory);
        CacheInvariants.AssertNoIncomplete(f.CacheDirectory);
    }
}
