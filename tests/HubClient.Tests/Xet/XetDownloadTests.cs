using HubClient.Xet;
using Microsoft.Win32.SafeHandles;

namespace HubClient.Tests.Xet;

/// <summary>The Xet downloader against the fake hub's CAS over loopback HTTP.</summary>
public sealed class XetDownloadTests : IAsyncDisposable
{
    private const string Repo = "acme/xet-model";
    private readonly FakeHub _hub = FakeHub.Start();
    private readonly TempDirectory _temp = new();
    private readonly HttpClient _client = new(HubHttp.CreateHandler()) { Timeout = Timeout.InfiniteTimeSpan };
    private readonly HubHttp _http;

    public XetDownloadTests()
    {
        _hub.AddRepo(Repo).Private = true;
        _http = new HubHttp(_client, _hub.CreateOptions(_temp.Combine("cache"), _hub.ValidToken));
    }

    private FakeFile AddFile(int length, int seed = 7, string path = "model.bin")
    {
        byte[] content = Bytes.Random(length, seed);
        _hub.FindRepo(Repo)!.Commit(c => c.AddXet(path, content));
        return _hub.FindRepo(Repo)!.Resolve("main")!.Files[path];
    }

    private XetFileRequest Request(FakeFile file) =>
        new(RepoType.Model, Repo, _hub.FindRepo(Repo)!.Resolve("main")!.Sha, file.Path, file.XetHash!, file.Size);

    private async Task<byte[]> DownloadAsync(FakeFile file, XetDownloadOptions? options = null, string? ledger = null, XetFileDownloader? downloader = null, Action<long>? progress = null)
    {
        string target = _temp.Combine(Guid.NewGuid().ToString("N"));
        using (SafeFileHandle handle = File.OpenHandle(target, FileMode.CreateNew, FileAccess.ReadWrite))
        {
            RandomAccess.SetLength(handle, file.Size);
            await (downloader ?? new XetFileDownloader(_http, options)).DownloadAsync(Request(file), handle, ledger, progress, CancellationToken.None);
        }
        Assert.Equal(file.Sha256, await BlobVerifier.HashFileAsync(target, file.Sha256, CancellationToken.None));
        return File.ReadAllBytes(target);
    }

    /// <summary>Runs the download again on <paramref name="target"/> with its <paramref name="ledger"/>: the whole file reported once (resumed bytes included), the file right.</summary>
    private async Task ResumeAsync(FakeFile file, string target, string ledger, XetDownloadOptions options)
    {
        using (SafeFileHandle handle = File.OpenHandle(target, FileMode.Open, FileAccess.ReadWrite))
        {
            long progress = 0;
            await new XetFileDownloader(_http, options).DownloadAsync(Request(file), handle, ledger, n => progress += n, CancellationToken.None);
            Assert.Equal(file.Size, progress);
        }
        Assert.Equal(file.Content, File.ReadAllBytes(target));
    }

    [Fact]
    public async Task Downloads_a_file_through_the_cas_with_each_token_only_where_it_belongs()
    {
        FakeFile file = AddFile(1_500_000);
        long progress = 0;

        byte[] bytes = await DownloadAsync(file, progress: n => Interlocked.Add(ref progress, n));

        Assert.Equal(file.Content, bytes);
        Assert.Equal(file.Size, progress);
        var log = _hub.Requests;
        Assert.Contains(log, r => r.IsCas && r.Path.Contains("/v2/reconstructions/"));
        Assert.True(log.Count(r => r.IsXorb) > 1);
        Assert.All(log.Where(r => r.IsXorb), r => Assert.Null(r.Authorization));
        Assert.All(log.Where(r => r.IsXorb), r => Assert.Equal(206, r.StatusCode));
        Assert.All(log.Where(r => r.IsCas), r => Assert.StartsWith("Bearer xet_", r.Authorization));
        Assert.All(log.Where(r => r.IsXetToken), r => Assert.Equal("Bearer " + _hub.ValidToken, r.Authorization));
        Assert.All(log.Where(r => r.Authorization?.Contains("xet_") == true), r => Assert.True(r.IsCas));
        Assert.All(log.Where(r => r.Authorization?.Contains(_hub.ValidToken) == true), r => Assert.True(r.IsXetToken));
        Assert.DoesNotContain(log, r => r.IsCdn);
    }

    [Fact]
    public async Task A_file_that_repeats_itself_fetches_its_chunks_once_and_writes_them_at_every_place()
    {
        // Content-defined chunks of a repeated block are the same chunks: the CAS stores them once and the reconstruction
        // points several terms at the same xorb chunks, so one fetched chunk is written at several file offsets.
        byte[] block = Bytes.Random(700_000, seed: 21);
        byte[] content = [.. block, .. block, .. block, .. Bytes.Random(50_000, seed: 22)];
        _hub.FindRepo(Repo)!.Commit(c => c.AddXet("repeated.bin", content));
        FakeFile file = _hub.FindRepo(Repo)!.Resolve("main")!.Files["repeated.bin"];
        long progress = 0;

        byte[] bytes = await DownloadAsync(file, progress: n => Interlocked.Add(ref progress, n));

        Assert.Equal(content, bytes);
        Assert.Equal(content.Length, progress);
        long fetched = _hub.Requests.Where(r => r.IsXorb).Sum(r => r.BytesSent);
        // Fewer bytes than two of the three copies: at least one copy came entirely from chunks fetched for another.
        Assert.True(fetched < content.Length * 2 / 3, $"{fetched} xorb bytes for a {content.Length}-byte file");
    }

    [Fact]
    public async Task Fetches_all_signed_ranges_of_a_url_in_one_multipart_request()
    {
        FakeFile file = AddFile(1_200_000);

        byte[] bytes = await DownloadAsync(file, new XetDownloadOptions { UseMultiRangeRequests = true });

        Assert.Equal(file.Content, bytes);
        Assert.Contains(_hub.Requests, r => r.IsXorb && r.Range!.Contains(',') && r.StatusCode == 206);
    }

    [Fact]
    public async Task Reuses_a_token_until_shortly_before_it_expires()
    {
        FakeFile first = AddFile(300_000, seed: 1, path: "a.bin");
        FakeFile second = AddFile(300_000, seed: 2, path: "b.bin");
        var downloader = new XetFileDownloader(_http);

        await DownloadAsync(first, downloader: downloader);
        await DownloadAsync(second, downloader: downloader);
        Assert.Equal(1, _hub.Requests.Count(r => r.IsXetToken));

        _hub.XetTokenLifetime = TimeSpan.FromSeconds(30); // inside the one-minute refresh margin
        _hub.ClearRequests();
        var refreshing = new XetFileDownloader(_http);
        await DownloadAsync(first, downloader: refreshing);
        await DownloadAsync(second, downloader: refreshing);
        Assert.Equal(2, _hub.Requests.Count(r => r.IsXetToken));
    }

    [Fact]
    public async Task An_empty_file_needs_no_cas_request()
    {
        FakeFile file = AddFile(0);
        Assert.Equal(new string('0', 64), file.XetHash);

        Assert.Empty(await DownloadAsync(file));
        Assert.DoesNotContain(_hub.Requests, r => r.IsCas || r.IsXorb || r.IsXetToken);
    }

    [Fact]
    public async Task A_rerun_fetches_only_the_terms_the_ledger_does_not_have()
    {
        FakeFile file = AddFile(2_000_000);
        string ledger = _temp.Combine("model.bin.xet-ledger");
        string target = _temp.Combine("model.bin.incomplete");
        var options = new XetDownloadOptions { MaxConcurrentFetches = 1, MaxFetchAttempts = 1 };
        int served = 0;
        _hub.InjectFault(FakeFault.Status(403), r => r.IsXorb && Interlocked.Increment(ref served) > 3, times: null);

        using (SafeFileHandle handle = File.OpenHandle(target, FileMode.Create, FileAccess.ReadWrite))
        {
            RandomAccess.SetLength(handle, file.Size);
            await Assert.ThrowsAsync<XetUnavailableException>(() => new XetFileDownloader(_http, options).DownloadAsync(Request(file), handle, ledger, null, CancellationToken.None));
        }
        long firstRun = _hub.Requests.Where(r => r.IsXorb && r.StatusCode == 206).Sum(r => r.BytesSent);
        Assert.Equal(4, File.ReadAllLines(ledger).Length); // header + the three terms fetched
        _hub.ClearFaults();
        _hub.ClearRequests();

        await ResumeAsync(file, target, ledger, options);
        var second = _hub.Requests.Where(r => r.IsXorb).ToList();
        int terms = (int)Math.Ceiling(file.XetChunks!.Count / (double)_hub.XetChunksPerTerm);
        Assert.Equal(terms - 3, second.Count);
        long total = firstRun + second.Sum(r => r.BytesSent);
        Assert.True(total < file.Size * 1.5, $"{total} bytes fetched for a {file.Size}-byte file");
        Assert.False(File.Exists(ledger));
    }

    /// <summary>One term of the whole file, as the hub's own terms can be a whole 64 MiB xorb range.</summary>
    private FakeFile AddOneTermFile(int length, int seed)
    {
        _hub.XetChunksPerXorb = 10_000;
        _hub.XetChunksPerTerm = 10_000;
        FakeFile file = AddFile(length, seed);
        Assert.True(file.XetChunks!.Count > 20);
        return file;
    }

    private static long StartOf(string? range) => long.Parse(range!["bytes=".Length..range!.IndexOf('-', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_stalled_xorb_answer_is_continued_from_its_last_written_chunk_through_a_narrower_signed_range()
    {
        FakeFile file = AddOneTermFile(3_000_000, seed: 31);
        // The CDN sends half the range and goes quiet: the client reads all of it, then gives up after its idle timeout.
        _hub.InjectFault(FakeFault.Stall(1_500_000, TimeSpan.FromMinutes(1)), r => r.IsXorb, times: 1);
        HubApiOptions options = _hub.CreateOptions(_temp.Combine("cache"), _hub.ValidToken);
        var clock = new StallClock();
        options.DownloadTimeout = StallClock.IdleTimeout;
        options.TimeProvider = clock;
        var downloader = new XetFileDownloader(new HubHttp(_client, options), new XetDownloadOptions { WriteBufferSize = 128 * 1024 });
        long progress = 0;

        byte[] bytes = await clock.RunAsync(_hub, DownloadAsync(file, downloader: downloader, progress: n => Interlocked.Add(ref progress, n)));

        Assert.Equal(file.Content, bytes);
        Assert.Equal(file.Size, progress); // nothing counted twice
        Assert.Equal(1, clock.Stalls);
        FakeHubRequest[] xorbs = [.. _hub.Requests.Where(r => r.IsXorb)];
        Assert.Equal(2, xorbs.Length);
        FakeHubRequest ranged = _hub.Requests.First(r => r.IsCas && r.Range is not null);
        Assert.True(StartOf(ranged.Range) > 1_300_000, $"The rest was asked from file byte {ranged.Range}.");
        Assert.True(StartOf(xorbs[1].Range) > 1_300_000, $"The retry asked xorb {xorbs[1].Range} after {xorbs[0].Range}.");
        long fetched = xorbs.Sum(r => r.BytesSent);
        Assert.True(fetched < file.Size + 400_000, $"{fetched} xorb bytes for a {file.Size}-byte file in one term.");
    }

    [Fact]
    public async Task A_rerun_continues_a_half_written_term_from_its_last_recorded_chunk()
    {
        FakeFile file = AddOneTermFile(3_000_000, seed: 32);
        string ledger = _temp.Combine("model.bin.xet-ledger");
        string target = _temp.Combine("model.bin.incomplete");
        var options = new XetDownloadOptions { WriteBufferSize = 128 * 1024 };
        using var cancel = new CancellationTokenSource();
        long firstProgress = 0;

        using (SafeFileHandle handle = File.OpenHandle(target, FileMode.Create, FileAccess.ReadWrite))
        {
            RandomAccess.SetLength(handle, file.Size);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new XetFileDownloader(_http, options).DownloadAsync(Request(file), handle, ledger, n =>
            {
                if ((firstProgress += n) >= 1_500_000) cancel.Cancel();
            }, cancel.Token));
        }
        Assert.True(File.ReadAllLines(ledger).Length > 2, "Each batch written should be a span in the ledger.");
        _hub.ClearRequests();

        await ResumeAsync(file, target, ledger, options);
        FakeHubRequest rerun = Assert.Single(_hub.Requests, r => r.IsXorb);
        Assert.True(StartOf(rerun.Range) > 1_400_000, $"The rerun asked xorb {rerun.Range}.");
        Assert.True(rerun.BytesSent < file.Size - 1_400_000, $"The rerun fetched {rerun.BytesSent} bytes after {firstProgress} were written.");
        Assert.False(File.Exists(ledger));
    }

    [Fact]
    public async Task A_refused_signed_url_is_signed_again_through_a_ranged_reconstruction()
    {
        FakeFile file = AddFile(1_500_000, seed: 33);
        _hub.InjectFault(FakeFault.Status(403), r => r.IsXorb, times: 1);

        Assert.Equal(file.Content, await DownloadAsync(file));

        List<FakeHubRequest> log = [.. _hub.Requests];
        FakeHubRequest refused = Assert.Single(log, r => r.IsXorb && r.StatusCode == 403);
        FakeHubRequest[] cas = [.. log.Where(r => r.IsCas)];
        Assert.Equal(2, cas.Length);
        Assert.Null(cas[0].Range);
        Assert.NotNull(cas[1].Range); // the refused term's bytes, signed again
        Assert.Contains(log.Skip(log.IndexOf(cas[1])), r => r.IsXorb && r.StatusCode == 206 && r.Range == refused.Range);
    }

    [Fact]
    public async Task A_torn_ledger_line_is_ignored_and_a_foreign_ledger_discarded()
    {
        FakeFile file = AddFile(400_000);
        string ledger = _temp.Combine("ledger");
        File.WriteAllText(ledger, $"xet-ledger 1 {file.XetHash} {file.Size}\n0 5000 abc");

        Assert.Equal(file.Content, await DownloadAsync(file, ledger: ledger));

        File.WriteAllText(ledger, $"xet-ledger 1 {new string('1', 64)} {file.Size}\n0 100 {new string('2', 64)}:100\n");
        _hub.ClearRequests();
        Assert.Equal(file.Content, await DownloadAsync(file, ledger: ledger));
        Assert.Equal(_hub.Requests.Count(r => r.IsXorb), (int)Math.Ceiling(file.XetChunks!.Count / (double)_hub.XetChunksPerTerm));
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _hub.DisposeAsync();
        _temp.Dispose();
    }
}
