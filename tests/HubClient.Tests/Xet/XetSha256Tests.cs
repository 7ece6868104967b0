namespace HubClient.Tests.Xet;

/// <summary>The SHA-256 of a Xet download, computed in order while the terms arrive, still guards what is published.</summary>
public sealed class XetSha256Tests
{
    private const string Repo = "acme/xet-model";

    [Fact]
    public async Task A_file_whose_xet_hash_holds_but_whose_sha256_is_not_the_etag_is_not_published_nor_fetched_again()
    {
        // Several xorbs and terms, so that the hash follows ranges written by several fetches.
        byte[] weights = Bytes.Random(3_000_000, seed: 78);
        await using var f = new HubFixture();
        f.Hub.AddRepo(Repo).Commit(c => c.AddXet("model.bin", weights));
        string wrong = new('a', 64);
        f.Hub.InjectFault(FakeFault.Header("X-Linked-Etag", $"\"{wrong}\""), RequestFilters.Metadata("model.bin"), times: null);

        HubIntegrityException e = await Assert.ThrowsAsync<HubIntegrityException>(() => f.Api.DownloadFileAsync(Repo, "model.bin"));

        Assert.Contains("SHA-256", e.Message, StringComparison.Ordinal);
        Assert.Contains(f.Hub.Requests, r => r.IsXorb);
        Assert.DoesNotContain(f.Hub.Requests, r => r.IsCdn); // An integrity failure never falls back to the bridge.
        Assert.False(File.Exists(Path.Combine(f.RepoDir("models--acme--xet-model"), "blobs", wrong)));
        CacheInvariants.AssertNoUnverifiedBlob(f.CacheDirectory);
    }
}
