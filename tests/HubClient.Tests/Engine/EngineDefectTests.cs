using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using HubClient.Tests.Diagnostics;

namespace HubClient.Tests.Engine;

/// <summary>
/// The six defects the one-engine refactor fixed (issue "One download engine"), each reproduced as a user would meet it.
/// Every test here failed on the three-front-door code.
/// </summary>
public sealed class EngineDefectTests
{
    private const string Repo = "acme/engine";
    private const string Config = "{\"hidden_size\": 8}";
    private static readonly byte[] Weights = Bytes.Random(3_000_000, seed: 90);

    // 1. A snapshot reported a dangling link as complete.
    [Fact]
    public async Task Snapshot_refetches_a_file_whose_blob_was_deleted_and_offline_reports_it_missing()
    {
        await using var f = new HubFixture();
        FakeCommit commit = f.Hub.AddRepo(Repo).Commit(c => c.Add("config.json", Config).AddLfs("model.bin", Weights));
        await f.Api.DownloadSnapshotAsync(Repo);
        File.Delete(Path.Combine(f.RepoDir("models--acme--engine"), "blobs", commit.Files["config.json"].GitSha1));

        using (HubApi offline = f.NewClient(o => o.Offline = true))
        {
            var missing = await Assert.ThrowsAsync<LocalEntryNotFoundException>(() => offline.DownloadSnapshotAsync(Repo));
            Assert.Equal(["config.json"], missing.MissingPaths);
        }

        f.Hub.ClearRequests();
        string folder = await f.Api.DownloadSnapshotAsync(Repo);
        Assert.Equal(Config, File.ReadAllText(Path.Combine(folder, "config.json")));
        Assert.Equal(Weights, await File.ReadAllBytesAsync(Path.Combine(folder, "model.bin")));
        Assert.Single(f.Hub.Requests, r => r.Method == "GET" && r.Path.EndsWith("/config.json", StringComparison.Ordinal));
        Assert.DoesNotContain(f.Hub.Requests, r => r.IsCdn); // model.bin was present: not fetched again.
    }

    [Fact]
    public async Task A_blob_of_the_wrong_size_is_not_present_and_is_fetched_again()
    {
        await using var f = new HubFixture();
        FakeCommit commit = f.Hub.AddRepo(Repo).Commit(c => c.AddLfs("model.bin", Weights));
        await f.Api.DownloadSnapshotAsync(Repo);
        string blob = Path.Combine(f.RepoDir("models--acme--engine"), "blobs", commit.Files["model.bin"].Sha256);
        File.WriteAllBytes(blob, Weights[..1000]); // Truncated by a disk cleaner, a bad copy…

        string folder = await f.Api.DownloadSnapshotAsync(Repo);
        Assert.Equal(Weights, await File.ReadAllBytesAsync(Path.Combine(folder, "model.bin")));
    }

    // 2. Local-directory downloads never resumed and could not refresh an expired CDN location.
    [Fact]
    public async Task Local_directory_download_killed_midway_resumes_from_its_partial()
    {
        await using var f = new HubFixture();
        FakeCommit commit = f.Hub.AddRepo(Repo).Commit(c => c.AddLfs("model.bin", Weights));
        string dir = f.Temp.Combine("local");
        using HubApi fragile = f.NewClient(o => o.Retry.MaxRetries = 0);
        f.Hub.InjectFault(FakeFault.DropAfter(1_500_000), Cdn("model.bin"), times: null);

        await Assert.ThrowsAsync<HubException>(() => fragile.DownloadFileAsync(Repo, "model.bin", new DownloadFileOptions { LocalDirectory = dir }));
        string partial = Path.Combine(dir, ".cache", "huggingface", "download",
            PythonShortHash("model.bin.metadata") + "." + commit.Files["model.bin"].Sha256 + ".incomplete");
        Assert.True(new FileInfo(partial).Length > 0, "The partial is kept where huggingface_hub keeps it.");

        f.Hub.ClearFaults();
        string path = await f.Api.DownloadFileAsync(Repo, "model.bin", new DownloadFileOptions { LocalDirectory = dir });
        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        FakeHubRequest[] gets = f.Hub.Requests.Where(Cdn("model.bin")).ToArray();
        Assert.StartsWith("bytes=", gets[^1].Range, StringComparison.Ordinal);
        Assert.True(gets.Sum(g => g.BytesSent) < Weights.Length * 1.5, $"{gets.Sum(g => g.BytesSent)} bytes sent for a {Weights.Length}-byte file");
        Assert.False(File.Exists(partial));
    }

    [Fact]
    public async Task Local_directory_parallel_download_resumes_only_the_missing_chunks()
    {
        const int chunk = 256 * 1024;
        await using var f = new HubFixture();
        f.Hub.AddRepo(Repo).Commit(c => c.AddLfs("model.bin", Weights));
        string dir = f.Temp.Combine("local");
        void Ranges(HubApiOptions o) => o.Transfer = new TransferOptions { ParallelThreshold = chunk, ChunkSize = chunk, MaxConnections = 2, BufferSize = 64 * 1024 };
        using HubApi fragile = f.NewClient(o =>
        {
            Ranges(o);
            o.Retry.MaxRetries = 0;
        });
        long lastChunk = Weights.Length / chunk * chunk;
        f.Hub.InjectFault(FakeFault.Status(500), r => Cdn("model.bin")(r) && r.Range == $"bytes={lastChunk}-{Weights.Length - 1}", times: null);

        await Assert.ThrowsAsync<HubException>(() => fragile.DownloadFileAsync(Repo, "model.bin", new DownloadFileOptions { LocalDirectory = dir }));
        long firstRun = f.Hub.Requests.Where(Cdn("model.bin")).Sum(r => r.BytesSent);
        f.Hub.ClearFaults();
        f.Hub.ClearRequests();

        using HubApi api = f.NewClient(Ranges);
        string path = await api.DownloadFileAsync(Repo, "model.bin", new DownloadFileOptions { LocalDirectory = dir });
        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        FakeHubRequest[] rerun = f.Hub.Requests.Where(Cdn("model.bin")).ToArray();
        Assert.True(rerun.Length < (Weights.Length + chunk - 1) / chunk, "Only the chunks that were missing are fetched again.");
        Assert.Contains(rerun, r => r.Range == $"bytes={lastChunk}-{Weights.Length - 1}");
        Assert.True(firstRun + rerun.Sum(r => r.BytesSent) < Weights.Length * 1.5);
    }

    [Fact]
    public async Task Local_directory_download_refreshes_an_expired_cdn_location()
    {
        await using var f = new HubFixture();
        f.Hub.AddRepo(Repo).Commit(c => c.AddLfs("model.bin", Weights));
        f.Hub.InjectFault(FakeFault.Status(403), Cdn("model.bin"));

        string path = await f.Api.DownloadFileAsync(Repo, "model.bin", new DownloadFileOptions { LocalDirectory = f.Temp.Combine("local") });

        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        Assert.Equal(2, f.Hub.Requests.Count(RequestFilters.Metadata("model.bin"))); // The second HEAD gave a fresh location.
    }

    // 3. Telemetry existed only on some paths.
    [Fact]
    public async Task Snapshots_and_parallel_ranges_count_files_bytes_cache_hits_and_resumes()
    {
        await using var f = new HubFixture(o => o.Transfer = new TransferOptions { ParallelThreshold = 256 * 1024, ChunkSize = 256 * 1024, MaxConnections = 2 });
        f.Hub.AddRepo(Repo).Commit(c => c.Add("config.json", Config).Add("vocab.txt", "a\nb\n").AddLfs("model.bin", Weights));
        f.Hub.InjectFault(FakeFault.DropAfter(100_000), Cdn("model.bin"));

        using (var metrics = new MetricCapture())
        {
            await f.Api.DownloadSnapshotAsync(Repo);
            Assert.Equal(3, metrics.Sum("hubclient.download.files"));
            Assert.Equal(Weights.Length + Config.Length + 4, metrics.Sum("hubclient.download.bytes"));
            Assert.Equal(1, metrics.Sum("hubclient.download.resumes"));
        }
        using (var metrics = new MetricCapture())
        {
            await f.Api.DownloadSnapshotAsync(Repo);
            Assert.Equal(3, metrics.Sum("hubclient.cache.hits"));
            Assert.Equal(0, metrics.Sum("hubclient.download.files"));
        }
    }

    // 4. HubCache.Scan misread parallel partials.
    [Fact]
    public void Scan_reports_a_parallel_partial_and_its_ledger_as_one_resumable_download()
    {
        using var temp = new TempDirectory();
        string etag = new('a', 64);
        string blobs = temp.Combine("models--acme--engine", "blobs");
        Directory.CreateDirectory(blobs);
        Directory.CreateDirectory(temp.Combine("models--acme--engine", "snapshots"));
        File.WriteAllBytes(Path.Combine(blobs, etag + ".chunked.incomplete"), new byte[1000]);
        File.WriteAllBytes(Path.Combine(blobs, etag + ".chunks.incomplete"), new byte[50]);

        HubCacheInfo cache = HubCache.Scan(temp.Path);

        CachedIncompleteDownload partial = Assert.Single(cache.IncompleteDownloads);
        Assert.Equal(Path.Combine(blobs, etag + ".chunked.incomplete"), partial.FilePath);
        Assert.True(partial.IsResumable);
        Assert.Equal(etag, partial.Etag);
        Assert.Equal([Path.Combine(blobs, etag + ".chunks.incomplete")], partial.Sidecars);
        Assert.Equal(1050, partial.SizeOnDisk);
        Assert.Empty(cache.Warnings);
    }

    // 5. Options were never validated, half frozen, half live.
    [Theory]
    [InlineData("localhost:8080")]
    [InlineData("ftp://hub.example.com")]
    [InlineData("not-a-url")]
    [InlineData("")]
    public void A_bad_endpoint_is_refused_when_the_client_is_built_naming_the_option(string endpoint)
    {
        var e = Assert.Throws<ArgumentException>(() => new HubApi(new HubApiOptions { Endpoint = endpoint, CacheDirectory = "/tmp/x" }));
        Assert.Contains("HubApiOptions.Endpoint (HF_ENDPOINT)", e.Message, StringComparison.Ordinal);
        Assert.Equal("Endpoint", e.ParamName);
    }

    [Theory]
    [InlineData("Transfer.ChunkSize")]
    [InlineData("Transfer.MaxConnections")]
    [InlineData("DownloadTimeout")]
    [InlineData("Retry.MaxRetries")]
    public void Bad_sizes_counts_and_timeouts_are_refused_before_any_request(string option)
    {
        var options = new HubApiOptions { CacheDirectory = "/tmp/x" };
        switch (option)
        {
            case "Transfer.ChunkSize": options.Transfer.ChunkSize = 0; break;
            case "Transfer.MaxConnections": options.Transfer.MaxConnections = 0; break;
            case "DownloadTimeout": options.DownloadTimeout = TimeSpan.Zero; break;
            default: options.Retry.MaxRetries = -1; break;
        }
        var e = Assert.Throws<ArgumentException>(() => new HubApi(options));
        Assert.StartsWith("HubApiOptions." + option + " must", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Options_are_copied_and_frozen_when_the_client_is_built()
    {
        await using var f = new HubFixture();
        f.Hub.AddRepo(Repo).Commit(c => c.Add("config.json", Config));
        var options = f.Hub.CreateOptions(f.CacheDirectory);
        using var api = new HubApi(options);

        options.Offline = true; // Too late: the client keeps what it was built with.
        options.Transfer.ChunkSize = 1;
        Assert.Equal(Config, File.ReadAllText(await api.DownloadFileAsync(Repo, "config.json")));
        Assert.False(api.Options.Offline);
        Assert.Throws<InvalidOperationException>(() => api.Options.Offline = true);
        Assert.Throws<InvalidOperationException>(() => api.Options.Transfer.ChunkSize = 1);
        Assert.Throws<InvalidOperationException>(() => api.Options.Retry.MaxRetries = 1);
    }

    // 6. Retries stacked: the pipeline's inside the body loop's.
    [Fact]
    public async Task A_refused_connection_is_given_up_within_the_connect_budget_not_retried_in_two_loops()
    {
        int closed = ClosedPort();
        var clock = new RecordingTimeProvider();
        await using var f = new HubFixture(o => o.TimeProvider = clock);
        f.Hub.AddRepo(Repo).Commit(c => c.AddLfs("model.bin", Weights));
        using HubApi api = f.NewClient(o =>
        {
            o.TimeProvider = clock;
            o.Retry = new HubRetryOptions(); // huggingface_hub's defaults: 5 retries, 1 s doubling to 8 s.
        });
        f.Hub.InjectFault(FakeFault.Header("Location", $"http://127.0.0.1:{closed}/cdn/model.bin"), RequestFilters.Metadata("model.bin"));

        var e = await Assert.ThrowsAsync<HubException>(() => api.DownloadFileAsync(Repo, "model.bin"));

        Assert.True(e.IsTransient);
        Assert.IsType<HttpRequestException>(e.InnerException);
        Assert.InRange(clock.Delays.Count, 1, 2);
        Assert.True(clock.Delays.Aggregate(TimeSpan.Zero, (a, b) => a + b) <= TimeSpan.FromSeconds(3), string.Join(", ", clock.Delays));
    }

    [Fact]
    public async Task Listing_a_hub_that_refuses_connections_fails_within_the_connect_budget()
    {
        var clock = new RecordingTimeProvider();
        using var temp = new TempDirectory();
        using var api = new HubApi(new HubApiOptions { Endpoint = $"http://127.0.0.1:{ClosedPort()}", CacheDirectory = temp.Path, TimeProvider = clock });

        await Assert.ThrowsAnyAsync<Exception>(() => api.ListRepoRefsAsync(Repo));

        Assert.InRange(clock.Delays.Count, 1, 2);
        Assert.True(clock.Delays.Aggregate(TimeSpan.Zero, (a, b) => a + b) <= TimeSpan.FromSeconds(3), string.Join(", ", clock.Delays));
    }

    private static Func<FakeHubRequest, bool> Cdn(string path)
    {
        Func<FakeHubRequest, bool> download = RequestFilters.Download(path);
        return r => download(r) && r.IsCdn;
    }

    /// <summary>huggingface_hub's <c>_short_hash</c>: URL-safe base64 of the SHA-1 of a name (written out here, not taken from the library).</summary>
    private static string PythonShortHash(string name) =>
#pragma warning disable CA5350 // The name format needs SHA-1.
        Convert.ToBase64String(SHA1.HashData(Encoding.UTF8.GetBytes(name))).Replace('+', '-').Replace('/', '_');
#pragma warning restore CA5350

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port; // Closed again when disposed: connections are refused.
    }
}
