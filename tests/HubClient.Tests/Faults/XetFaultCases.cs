namespace HubClient.Tests.Faults;

/// <summary>
/// The faults of Xet storage (hub-docs <c>docs/xet/download-protocol.md</c>, <c>auth.md</c>), run on the Xet paths: the
/// rows' LFS file is Xet-backed, so its bytes come from the CAS, and the plain-HTTP bridge (the CDN) serves them only
/// after a fallback. What each fault must lead to follows <see cref="XetSource"/>'s rule: a failure of the transport or of
/// the reconstruction (retries spent, 429/5xx, tokens refused, a malformed answer) falls back to the bridge, logged and
/// counted (<c>hubclient.xet.fallbacks</c>); bytes that fail their hash never do, and nothing is published.
/// </summary>
public static class XetFaultCases
{
    private const string Lfs = FaultCases.Lfs;

    private static readonly DownloadPath[] XetPaths = [.. DownloadPath.XetPaths];

    public static IReadOnlyList<FaultCase> All { get; } =
    [
        // A byte flipped in transit or at rest: the assembled chunks fail the Xet file hash. Integrity, not availability:
        // no fallback (the bridge is not asked), nothing published, the partial and its term ledger deleted.
        new("xet: a corrupted xorb byte", Lfs,
            c => c.Inject(FakeFault.CorruptByte(1_000), FaultContext.Xorb),
            typeof(HubIntegrityException),
            c =>
            {
                Assert.DoesNotContain(c.Hub.Requests, r => c.Bridge(r));
                Assert.Equal(0, c.Metrics.Sum("hubclient.xet.fallbacks"));
            },
            Paths: XetPaths),
        // The connection drops mid-answer, twice: each signed range is asked again, exactly as signed (a signed URL
        // refuses any other Range), and served once in full; the file comes from the CAS.
        new("xet: xorb answers dropped after N bytes", Lfs,
            c => c.Inject(FakeFault.DropAfter(5_000), FaultContext.Xorb, times: 2),
            Check: c =>
            {
                Assert.Equal(2, c.Gets.Count(g => g.Fault is not null));
                AssertServedByXet(c);
            },
            Paths: XetPaths),
        // A signed URL refused (403: what a CDN answers once a presigned URL has expired, e.g. on a long download): the
        // range is signed again through a ranged reconstruction, as xet-core refreshes its URLs, and the CAS serves the file.
        new("xet: a signed xorb URL refused (expired)", Lfs,
            c => c.Inject(FakeFault.Status(403), FaultContext.Xorb),
            Check: c =>
            {
                Assert.Single(c.Hub.Requests, r => FaultContext.Xorb(r) && r.StatusCode == 403);
                Assert.Contains(c.Hub.Requests, r => FaultContext.Cas(r) && r.Range is not null);
                AssertServedByXet(c);
            },
            Paths: XetPaths),
        // No byte for longer than the download timeout: the stalled range is abandoned and asked again.
        new("xet: a xorb answer stalled past the timeout", Lfs,
            c => c.Inject(FakeFault.Stall(5_000, TimeSpan.FromSeconds(30)), FaultContext.Xorb),
            Check: c =>
            {
                FaultCases.AssertStallAbandoned(c, TimeSpan.FromSeconds(30));
                AssertServedByXet(c);
            },
            Paths: XetPaths),
        new("xet: 429 from the CAS, then served", Lfs,
            c => c.Inject(FakeFault.RateLimited(TimeSpan.FromSeconds(3)), FaultContext.Cas, times: 2),
            Check: c =>
            {
                Assert.Equal([429, 429, 200], c.Hub.Requests.Where(FaultContext.Cas).Select(r => r.StatusCode));
                Assert.Equal(2, c.Clock.Delays.Count(d => d == TimeSpan.FromSeconds(3)));
                AssertServedByXet(c);
            },
            Paths: XetPaths),
        // Rate-limited past the retries: Xet is unavailable for now, the bridge serves the file.
        new("xet: 429 from the CAS for good", Lfs,
            c => c.Inject(FakeFault.RateLimited(TimeSpan.FromSeconds(1)), FaultContext.Cas, times: null),
            Check: c =>
            {
                Assert.True(c.Hub.Requests.Count(FaultContext.Cas) > 1, "The CAS was not asked again after its 429.");
                Assert.All(c.Hub.Requests.Where(FaultContext.Cas), r => Assert.Equal(429, r.StatusCode));
                Assert.Empty(c.Gets);
                AssertFellBackToBridge(c);
            },
            Paths: XetPaths),
        new("xet: 503 from the xorb store for good", Lfs,
            c => c.Inject(FakeFault.Status(503), FaultContext.Xorb, times: null),
            Check: c =>
            {
                Assert.All(c.Gets, g => Assert.Equal(503, g.StatusCode));
                AssertFellBackToBridge(c);
            },
            Paths: XetPaths),
        // The xorb store goes away part-way (one term: its answer stalls after 300 KB, then every request is refused): Xet
        // gives up, and the bridge continues from what Xet wrote instead of fetching the whole file.
        new("xet: the xorb store gone part-way", Lfs,
            c =>
            {
                c.Hub.XetChunksPerXorb = 10_000;
                c.Hub.XetChunksPerTerm = 10_000;
                c.Inject(FakeFault.Stall(300_000, TimeSpan.FromSeconds(30)), FaultContext.Xorb);
                c.Inject(FakeFault.Status(404), FaultContext.Xorb, times: null);
            },
            Check: c =>
            {
                Assert.Equal(1, c.Metrics.Sum("hubclient.xet.fallbacks"));
                FakeHubRequest bridge = Assert.Single(c.Hub.Requests, r => c.Bridge(r));
                string range = bridge.Range ?? "";
                Assert.StartsWith("bytes=", range, StringComparison.Ordinal);
                long from = long.Parse(range["bytes=".Length..range.IndexOf('-', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(from >= 150_000, $"The bridge was asked for {bridge.Range} after Xet wrote about 300 KB.");
                Assert.Equal(c.File.Size - from, bridge.BytesSent);
            },
            Paths: XetPaths),
        // An older CAS: /v2/reconstructions answers 404, /v1 serves the same terms.
        new("xet: v2 reconstructions not found", Lfs,
            c => c.Inject(FakeFault.Status(404), r => r.IsCas && r.Path.StartsWith("/cas/v2/", StringComparison.Ordinal), times: null),
            Check: c =>
            {
                Assert.Equal(["/cas/v2 404", "/cas/v1 200"], c.Hub.Requests.Where(FaultContext.Cas).Select(r => $"{r.Path[..7]} {r.StatusCode}"));
                AssertServedByXet(c);
            },
            Paths: XetPaths),
        // The token the hub hands out has already expired: the CAS answers 401, the client gets one fresh token and goes on.
        new("xet: expired read token", Lfs,
            c => c.Inject(FakeFault.ExpiredXetToken(), FaultContext.XetToken),
            Check: c =>
            {
                FakeHubRequest[] cas = c.Hub.Requests.Where(FaultContext.Cas).ToArray();
                Assert.Equal([401, 200], cas.Select(r => r.StatusCode));
                Assert.NotEqual(cas[0].Authorization, cas[1].Authorization);
                Assert.Equal(2, c.Hub.Requests.Count(FaultContext.XetToken));
                AssertServedByXet(c);
            },
            Paths: XetPaths),
        // A token refused even fresh: one refresh, not a loop, then the bridge.
        new("xet: CAS refuses every token", Lfs,
            c => c.Inject(FakeFault.Status(401), FaultContext.Cas, times: null),
            Check: c =>
            {
                Assert.Equal(2, c.Hub.Requests.Count(FaultContext.Cas));
                Assert.Equal(2, c.Hub.Requests.Count(FaultContext.XetToken));
                AssertFellBackToBridge(c);
            },
            Paths: XetPaths),
        // A token answer whose expiry is not in seconds since 1970 (milliseconds: past the year 9999) is malformed: Xet is
        // unavailable, and the bridge serves the file.
        new("xet: a read token whose expiry is in milliseconds", Lfs,
            c => c.Inject(
                FakeFault.Status(200, $$"""{"accessToken": "xet_ms", "exp": {{DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds()}}, "casUrl": "{{c.Hub.CasEndpoint}}"}"""),
                FaultContext.XetToken, times: null),
            Check: AssertFellBackToBridge,
            Paths: XetPaths),
        // A term whose chunks decode to another length than its unpacked_length: the reconstruction is malformed (the
        // spec has the client check it), which says nothing against the file's bytes. The bytes written at offsets it
        // placed are discarded and the bridge serves the file, verified.
        new("xet: wrong unpacked_length in the reconstruction", Lfs,
            c => c.Inject(FakeFault.WrongUnpackedLength(), FaultContext.Cas, times: null),
            Check: c =>
            {
                Assert.NotEmpty(c.Gets);
                AssertFellBackToBridge(c);
            },
            Paths: XetPaths),
    ];

    /// <summary>
    /// The file came from the CAS alone: every term's signed range served in full exactly once (a failed answer asked
    /// again exactly as signed), the bridge never asked, no fallback counted.
    /// </summary>
    public static void AssertServedByXet(FaultContext c)
    {
        FakeHubRequest[] gets = c.Gets;
        (string Path, string? Range)[] served = [.. gets.Where(g => g.Fault is null && g.StatusCode == 206).Select(g => (g.Path, g.Range))];
        Assert.Equal(served.Length, served.Distinct().Count());
        Assert.All(gets.Where(g => g.Fault is not null), g => Assert.Contains((g.Path, g.Range), served));
        Assert.Equal((int)Math.Ceiling(c.File.XetChunks!.Count / (double)c.Hub.XetChunksPerTerm), served.Length);
        Assert.DoesNotContain(c.Hub.Requests, r => c.Bridge(r));
        Assert.Equal(0, c.Metrics.Sum("hubclient.xet.fallbacks"));
    }

    /// <summary>Xet storage gave up on the file: one fallback counted, and one plain GET of the bridge served it whole.</summary>
    private static void AssertFellBackToBridge(FaultContext c)
    {
        Assert.Equal(1, c.Metrics.Sum("hubclient.xet.fallbacks"));
        FakeHubRequest bridge = Assert.Single(c.Hub.Requests, r => c.Bridge(r));
        Assert.Equal((200, c.File.Size), (bridge.StatusCode, bridge.BytesSent));
    }
}
