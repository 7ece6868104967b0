using System.Globalization;
using HubClient.Xet;

namespace HubClient.Tests.Xet;

/// <summary>
/// When Xet storage gives up part-way, the plain-HTTP bridge continues from what it wrote (parallel ranges or one stream)
/// instead of fetching the whole file again; bytes a malformed reconstruction may have misplaced are never handed over.
/// </summary>
public sealed class XetHandoverTests
{
    private const string Repo = "acme/xet-model";
    private const int Size = 3_000_000;
    private const long XorbBytesBeforeStall = 1_500_000;
    private static readonly byte[] Weights = Bytes.Random(Size, seed: 91);

    private readonly StallClock _clock = new();

    private HubFixture Fixture(bool parallel)
    {
        var f = new HubFixture(o =>
        {
            o.Transfer.ParallelThreshold = parallel ? 1024 * 1024 : long.MaxValue;
            o.Transfer.ChunkSize = 256 * 1024;
            o.Transfer.BufferSize = 64 * 1024;
            o.Transfer.MaxXetFetches = 1;
            o.DownloadTimeout = StallClock.IdleTimeout;
            o.TimeProvider = _clock;
        });
        // One term on one xorb range: its first answer stalls half-way (a dropped connection would be a race: a reset
        // discards what the client has not read yet), every later one is refused, so Xet gives up with about half of the
        // file written.
        f.Hub.XetChunksPerXorb = 10_000;
        f.Hub.XetChunksPerTerm = 10_000;
        f.Hub.AddRepo(Repo).Commit(c => c.AddXet("model.bin", Weights));
        f.Hub.InjectFault(FakeFault.Stall(XorbBytesBeforeStall, TimeSpan.FromSeconds(30)), r => r.IsXorb);
        f.Hub.InjectFault(FakeFault.Status(503), r => r.IsXorb, times: null);
        return f;
    }

    private static long BridgeBytes(HubFixture f) => f.Hub.Requests.Where(r => r.IsCdn).Sum(r => r.BytesSent);

    private static long RangeStart(FakeHubRequest request) =>
        request.Range is { } range ? long.Parse(range["bytes=".Length..range.IndexOf('-', StringComparison.Ordinal)], CultureInfo.InvariantCulture) : 0;

    [Fact]
    public async Task Parallel_ranges_fetch_only_what_xet_did_not_write()
    {
        await using HubFixture f = Fixture(parallel: true);

        string path = await _clock.RunAsync(f.Hub, f.Api.DownloadFileAsync(Repo, "model.bin"));

        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        FakeHubRequest[] bridge = [.. f.Hub.Requests.Where(r => r.IsCdn)];
        Assert.NotEmpty(bridge);
        // Xet decoded about 1.4 MB before its answer dropped: the ranges start past the first complete 256 KiB chunks, and
        // the bridge carries the rest (plus at most the part of one chunk Xet wrote from its middle).
        Assert.All(bridge, r => Assert.True(RangeStart(r) >= 1024 * 1024, $"The bridge was asked for {r.Range}."));
        Assert.InRange(BridgeBytes(f), 1, Size - (1024 * 1024));
        CacheInvariants.AssertNoIncomplete(f.CacheDirectory);
    }

    [Fact]
    public async Task One_stream_continues_from_the_prefix_xet_wrote()
    {
        await using HubFixture f = Fixture(parallel: false);

        string path = await _clock.RunAsync(f.Hub, f.Api.DownloadFileAsync(Repo, "model.bin"));

        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        // (More than one request only if a loaded machine paused one past the 1 s idle timeout: it continues where it stopped.)
        FakeHubRequest[] bridge = [.. f.Hub.Requests.Where(r => r.IsCdn)];
        long from = RangeStart(bridge[0]);
        Assert.True(from >= 1024 * 1024, $"The bridge was asked for {bridge[0].Range}.");
        Assert.All(bridge, r => Assert.True(RangeStart(r) >= from));
        CacheInvariants.AssertNoIncomplete(f.CacheDirectory);
    }

    [Fact]
    public async Task Bytes_placed_by_a_malformed_reconstruction_are_not_handed_over()
    {
        await using HubFixture f = Fixture(parallel: true);
        f.Hub.ClearFaults();
        // Terms of four chunks, the first one's unpacked_length one byte long, the second's one short: the first term is
        // written, then found malformed. Whatever was written under that reconstruction may sit at wrong offsets.
        f.Hub.XetChunksPerTerm = 4;
        f.Hub.InjectFault(FakeFault.WrongUnpackedLength(), r => r.IsCas, times: null);

        string path = await _clock.RunAsync(f.Hub, f.Api.DownloadFileAsync(Repo, "model.bin"));

        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        Assert.Contains(f.Hub.Requests, r => r.IsXorb && r.BytesSent > 0);
        Assert.Equal(Size, BridgeBytes(f));
        Assert.All(f.Hub.Requests.Where(r => r.IsCdn && r.Range is not null), r => Assert.NotEqual(0, r.BytesSent));
        CacheInvariants.AssertNoIncomplete(f.CacheDirectory);
    }

    /// <summary>Xet gives up and hands over, then the bridge fails too (404): the handed-over partial stays for the next run.</summary>
    private async Task<string[]> LeaveBridgePartialAsync(HubFixture f)
    {
        FaultRule notFound = f.Hub.InjectFault(FakeFault.Status(404), r => r.IsCdn, times: null);
        await Assert.ThrowsAnyAsync<HubException>(() => _clock.RunAsync(f.Hub, f.Api.DownloadFileAsync(Repo, "model.bin")));
        Assert.True(notFound.Hits > 0);
        string[] left = Directory.GetFiles(Path.Combine(f.RepoDir("models--acme--xet-model"), "blobs"), "*.incomplete");
        Assert.Contains(left, p => p.EndsWith(".chunked.incomplete", StringComparison.Ordinal));
        Assert.Contains(left, p => p.EndsWith(".chunks.incomplete", StringComparison.Ordinal));
        f.Hub.ClearFaults();
        f.Hub.ClearRequests();
        return left;
    }

    [Fact]
    public async Task A_rerun_continues_the_bridge_partial_an_earlier_run_left_rather_than_starting_xet_over()
    {
        await using HubFixture f = Fixture(parallel: true);
        await LeaveBridgePartialAsync(f);

        string path = await _clock.RunAsync(f.Hub, f.Api.DownloadFileAsync(Repo, "model.bin"));

        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        Assert.DoesNotContain(f.Hub.Requests, r => r.IsXorb || r.IsCas);
        Assert.All(f.Hub.Requests.Where(r => r.IsCdn), r => Assert.True(RangeStart(r) >= 1024 * 1024, $"The bridge was asked for {r.Range}."));
        CacheInvariants.AssertNoIncomplete(f.CacheDirectory);
    }

    [Fact]
    public async Task When_the_bridge_cannot_continue_its_partial_xet_storage_serves_the_file()
    {
        await using HubFixture f = Fixture(parallel: true);
        await LeaveBridgePartialAsync(f);
        f.Hub.InjectFault(FakeFault.Status(404), r => r.IsCdn, times: null); // The bridge is gone for good.

        string path = await _clock.RunAsync(f.Hub, f.Api.DownloadFileAsync(Repo, "model.bin"));

        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        Assert.Contains(f.Hub.Requests, r => r.IsCdn && r.StatusCode == 404);
        Assert.Contains(f.Hub.Requests, r => r.IsXorb && r.StatusCode == 206);
        CacheInvariants.AssertNoIncomplete(f.CacheDirectory);
    }

    [Fact]
    public async Task A_forced_download_over_xet_removes_the_bridge_partial_an_earlier_run_left()
    {
        await using HubFixture f = Fixture(parallel: true);
        await LeaveBridgePartialAsync(f);

        string path = await _clock.RunAsync(f.Hub, f.Api.DownloadFileAsync(Repo, "model.bin", new DownloadFileOptions { ForceDownload = true }));

        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        Assert.DoesNotContain(f.Hub.Requests, r => r.IsCdn);
        CacheInvariants.AssertNoIncomplete(f.CacheDirectory);
    }

    private static string Blobs(HubFixture f) => Path.Combine(f.RepoDir("models--acme--xet-model"), "blobs");

    /// <summary>A first run over Xet alone, stopped by cancellation with about half of the file written: its partial and ledger stay.</summary>
    private static async Task<(string Partial, string Ledger)> LeaveXetPartialAsync(HubFixture f, Action? afterClearingFaults = null)
    {
        f.Hub.ClearFaults();
        afterClearingFaults?.Invoke();
        f.Hub.InjectFault(FakeFault.Stall(XorbBytesBeforeStall, TimeSpan.FromSeconds(30)), r => r.IsXorb);
        using var stop = new CancellationTokenSource();
        var progress = new SynchronousProgress<DownloadProgress>(p =>
        {
            if (p.BytesDownloaded >= 1_100_000) stop.Cancel();
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            f.Api.DownloadFileAsync(Repo, "model.bin", new DownloadFileOptions { Progress = progress }, stop.Token));
        f.Hub.ClearFaults();
        afterClearingFaults?.Invoke();
        f.Hub.ClearRequests();
        return (Directory.GetFiles(Blobs(f), "*.xet.incomplete").Single(), Directory.GetFiles(Blobs(f), "*.xet-terms.incomplete").Single());
    }

    /// <summary>
    /// Killed after the handover saved the bridge's sidecar and before it moved the Xet partial (an older bridge partial at
    /// the chunked path). The rerun, Xet storage still down, hands over again: the sidecar it finds is its own, holding no
    /// more than the Xet partial, so the Xet partial replaces the old one and the bridge fetches only the rest.
    /// </summary>
    [Fact]
    public async Task Killed_between_recording_the_handover_and_moving_the_partial_the_rerun_keeps_what_xet_wrote()
    {
        await using HubFixture f = Fixture(parallel: true);
        (string xetPartial, string xetLedger) = await LeaveXetPartialAsync(f);
        byte[] partialBytes = await File.ReadAllBytesAsync(xetPartial);
        byte[] ledgerBytes = await File.ReadAllBytesAsync(xetLedger);
        f.Hub.InjectFault(FakeFault.Status(404), r => r.IsXorb, times: null);
        f.Hub.InjectFault(FakeFault.Status(404), r => r.IsCdn, times: null);
        await Assert.ThrowsAnyAsync<HubException>(() => _clock.RunAsync(f.Hub, f.Api.DownloadFileAsync(Repo, "model.bin")));
        string chunked = Directory.GetFiles(Blobs(f), "*.chunked.incomplete").Single();
        // What the kill leaves: the new sidecar, the Xet partial and ledger in place, an older bridge partial (nothing of the file yet).
        await File.WriteAllBytesAsync(xetPartial, partialBytes);
        await File.WriteAllBytesAsync(xetLedger, ledgerBytes);
        await File.WriteAllBytesAsync(chunked, new byte[Size]);
        f.Hub.ClearFaults();
        f.Hub.ClearRequests();
        f.Hub.InjectFault(FakeFault.Status(404), r => r.IsXorb, times: null);

        string path = await _clock.RunAsync(f.Hub, f.Api.DownloadFileAsync(Repo, "model.bin"));

        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        Assert.InRange(BridgeBytes(f), 1, Size - (1024 * 1024));
        CacheInvariants.AssertNoIncomplete(f.CacheDirectory);
    }

    /// <summary>One stream: killed after the handover truncated the Xet partial to its prefix and before it moved it: the rerun moves it.</summary>
    [Fact]
    public async Task Killed_between_truncating_and_moving_the_prefix_the_rerun_keeps_it()
    {
        await using HubFixture f = Fixture(parallel: false);
        (string xetPartial, string xetLedger) = await LeaveXetPartialAsync(f);
        long prefix;
        using (XetTermLedger ledger = XetTermLedger.Open(xetLedger, f.Hub.FindRepo(Repo)!.Resolve("main")!.Files["model.bin"].XetHash!, Size))
        {
            prefix = XetTermLedger.Cover(ledger.Spans)[0].End;
        }
        using (var partial = new FileStream(xetPartial, FileMode.Open)) partial.SetLength(prefix);
        f.Hub.InjectFault(FakeFault.Status(404), r => r.IsXorb, times: null);

        string path = await _clock.RunAsync(f.Hub, f.Api.DownloadFileAsync(Repo, "model.bin"));

        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        FakeHubRequest bridge = Assert.Single(f.Hub.Requests, r => r.IsCdn);
        Assert.Equal(prefix, RangeStart(bridge));
        Assert.DoesNotContain(f.Hub.Requests, r => r.IsXorb);
        CacheInvariants.AssertNoIncomplete(f.CacheDirectory);
    }

    /// <summary>
    /// After a power loss the ledger (no fsync) can claim chunks whose bytes never reached the disk. Neither Xet resuming
    /// its ledger nor a handover to the bridge may take them on the ledger's word: with an etag that is no content hash
    /// nothing else would catch them. Here the first 64 KiB of what the ledger records are zeros on disk.
    /// </summary>
    [Theory]
    [InlineData(true, true, false)]   // Xet up: it resumes its ledger (the file hash comes from the ledger's hashes)
    [InlineData(true, false, false)]  // Xet down: handover to parallel ranges
    [InlineData(false, false, false)] // Xet down: handover to one stream
    [InlineData(true, true, true)]    // the same three with the hub's SHA-256 etag
    [InlineData(true, false, true)]
    [InlineData(false, false, true)]
    public async Task Bytes_the_ledger_claims_but_the_disk_lost_are_fetched_again(bool parallel, bool xetUp, bool sha256Etag)
    {
        await using HubFixture f = Fixture(parallel);
        (string xetPartial, _) = await LeaveXetPartialAsync(f, () =>
        {
            if (!sha256Etag) f.Hub.InjectFault(FakeFault.Header("X-Linked-Etag", "\"opaque-v1\""), r => r.Method == "HEAD", times: null);
        });
        using (var partial = new FileStream(xetPartial, FileMode.Open)) partial.Write(new byte[65_536]);
        if (!xetUp) f.Hub.InjectFault(FakeFault.Status(404), r => r.IsXorb, times: null);

        string path = await _clock.RunAsync(f.Hub, f.Api.DownloadFileAsync(Repo, "model.bin"));

        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        CacheInvariants.AssertNoIncomplete(f.CacheDirectory);
    }
}
