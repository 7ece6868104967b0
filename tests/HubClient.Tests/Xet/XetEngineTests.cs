using HubClient.Tests.Diagnostics;

namespace HubClient.Tests.Xet;

/// <summary>Xet storage as a transfer source of the download engine: chosen for Xet-backed files, verified, with the bridge as fallback.</summary>
public sealed class XetEngineTests
{
    private const string Repo = "acme/xet-model";
    private static readonly byte[] Weights = Bytes.Random(700_000, seed: 77);

    [Fact]
    public async Task A_xet_backed_file_comes_from_the_cas_verified_and_each_token_goes_only_where_it_belongs()
    {
        await using var f = new HubFixture(o => o.Token = "hf_fake_token");
        f.Hub.AddRepo(Repo).Commit(c => c.Add("config.json", "{}").AddXet("model.bin", Weights));

        string path = await f.Api.DownloadFileAsync(Repo, "model.bin");

        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        FakeHubRequest[] requests = f.Hub.Requests.ToArray();
        Assert.Contains(requests, r => r.IsXetToken);
        Assert.Contains(requests, r => r.IsCas);
        Assert.Contains(requests, r => r.IsXorb);
        Assert.DoesNotContain(requests, r => r.IsCdn); // The plain-HTTP bridge was not needed.
        Assert.All(requests.Where(r => r.IsXetToken), r => Assert.Equal("Bearer hf_fake_token", r.Authorization));
        Assert.All(requests.Where(r => r.IsCas), r => Assert.StartsWith("Bearer ", r.Authorization, StringComparison.Ordinal));
        Assert.All(requests.Where(r => r.IsCas), r => Assert.NotEqual("Bearer hf_fake_token", r.Authorization));
        Assert.All(requests.Where(r => r.IsXorb), r => Assert.Null(r.Authorization));
        CacheInvariants.AssertNoIncomplete(f.CacheDirectory);
    }

    [Fact]
    public async Task A_resumed_xet_download_counts_each_byte_received_once()
    {
        await using var f = new HubFixture(o => o.Transfer.MaxXetFetches = 1);
        f.Hub.AddRepo(Repo).Commit(c => c.AddXet("model.bin", Weights));
        using var metrics = new MetricCapture();
        using (var stop = new CancellationTokenSource())
        {
            var progress = new SynchronousProgress<DownloadProgress>(p =>
            {
                if (p.BytesDownloaded > 0) stop.Cancel();
            });
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                f.Api.DownloadFileAsync(Repo, "model.bin", new DownloadFileOptions { Progress = progress }, stop.Token));
        }
        long first = metrics.Sum("hubclient.download.bytes");

        string path = await f.Api.DownloadFileAsync(Repo, "model.bin");

        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        Assert.InRange(first, 1, Weights.Length - 1);
        Assert.Equal(Weights.Length, metrics.Sum("hubclient.download.bytes"));
    }

    [Fact]
    public async Task Disabling_xet_fetches_over_the_bridge_without_asking_the_cas()
    {
        await using var f = new HubFixture(o => o.DisableXet = true);
        f.Hub.AddRepo(Repo).Commit(c => c.AddXet("model.bin", Weights));

        string path = await f.Api.DownloadFileAsync(Repo, "model.bin");

        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        Assert.DoesNotContain(f.Hub.Requests, r => r.IsCas || r.IsXorb || r.IsXetToken);
        Assert.Contains(f.Hub.Requests, r => r.IsCdn);
    }

    [Fact]
    public async Task A_xet_backed_file_named_by_a_git_sha1_etag_is_checked_against_that_etag()
    {
        await using var f = new HubFixture();
        f.Hub.AddRepo(Repo).Commit(c => c.AddXet("model.bin", Weights).AddXet("other.bin", Weights));
        // git hash-object: SHA-1 over "blob {size}\0" and the content.
#pragma warning disable CA5350 // git's blob name, not a security boundary.
        string rightSha1 = Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData([.. System.Text.Encoding.ASCII.GetBytes($"blob {Weights.Length}\0"), .. Weights]));
#pragma warning restore CA5350
        string wrongSha1 = new('a', 40);
        f.Hub.InjectFault(FakeFault.Header("X-Linked-Etag", rightSha1), RequestFilters.Metadata("model.bin"), times: null);
        f.Hub.InjectFault(FakeFault.Header("X-Linked-Etag", wrongSha1), RequestFilters.Metadata("other.bin"), times: null);

        string path = await f.Api.DownloadFileAsync(Repo, "model.bin");
        var e = await Assert.ThrowsAsync<HubIntegrityException>(() => f.Api.DownloadFileAsync(Repo, "other.bin"));

        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        Assert.EndsWith(Path.Combine("blobs", rightSha1), new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)!.FullName, StringComparison.Ordinal);
        Assert.Contains("git SHA-1 mismatch", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(f.RepoDir("models--acme--xet-model"), "blobs", wrongSha1)));
        Assert.DoesNotContain(f.Hub.Requests, r => r.IsCdn); // Both came through the CAS: the check is Xet's own.
        CacheInvariants.AssertNoIncomplete(f.CacheDirectory);
    }

    [Fact]
    public void HF_HUB_DISABLE_XET_turns_xet_off()
    {
        HubApiOptions options = HubEnvironment.Read(name => name == "HF_HUB_DISABLE_XET" ? "1" : null);
        Assert.True(options.DisableXet);
        Assert.False(HubEnvironment.Read(_ => null).DisableXet);
    }

    [Fact]
    public async Task A_snapshot_takes_the_xet_hash_from_the_tree_with_no_head_per_file()
    {
        await using var f = new HubFixture();
        byte[] second = Bytes.Random(300_000, seed: 78);
        f.Hub.AddRepo(Repo).Commit(c => c.Add("config.json", "{}").AddXet("model.bin", Weights).AddXet("onnx/model.onnx", second));

        string folder = await f.Api.DownloadSnapshotAsync(Repo);

        Assert.Equal(Weights, await File.ReadAllBytesAsync(Path.Combine(folder, "model.bin")));
        Assert.Equal(second, await File.ReadAllBytesAsync(Path.Combine(folder, "onnx", "model.onnx")));
        Assert.DoesNotContain(f.Hub.Requests, r => r.Method == "HEAD");
        Assert.DoesNotContain(f.Hub.Requests, r => r.IsCdn);
        Assert.Contains(f.Hub.Requests, r => r.IsXorb);
    }

    [Fact]
    public async Task Xet_bytes_count_as_progress_of_the_file()
    {
        await using var f = new HubFixture();
        f.Hub.AddRepo(Repo).Commit(c => c.AddXet("model.bin", Weights));
        var reports = new List<DownloadProgress>();

        await f.Api.DownloadFileAsync(Repo, "model.bin", new DownloadFileOptions { Progress = new SynchronousProgress<DownloadProgress>(reports.Add) });

        Assert.NotEmpty(reports);
        Assert.All(reports, r => Assert.Equal(Weights.Length, r.TotalBytes));
        Assert.Equal(Weights.Length, reports[^1].BytesDownloaded);
        Assert.True(reports.Zip(reports.Skip(1)).All(p => p.Second.BytesDownloaded >= p.First.BytesDownloaded));
    }
}
