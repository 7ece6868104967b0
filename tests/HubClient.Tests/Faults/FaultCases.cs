using System.Globalization;

namespace HubClient.Tests.Faults;

/// <summary>
/// The fault table: every way a hub, a CDN or the network misbehaves that the issue lists. A row runs on every plain-HTTP
/// <see cref="DownloadPath"/> unless it names the paths whose request pattern it needs, and on the Xet paths when it says
/// so (<see cref="FaultCase.OnXet"/>; Xet storage's own rows are <see cref="XetFaultCases"/>); a check that looks at
/// requests asserts the pattern of the path that ran (<see cref="FaultContext.Ranged"/>, <see cref="DownloadPath.MakesHead"/>,
/// <see cref="FaultContext.Xet"/>).
/// </summary>
public static class FaultCases
{
    public const string Repo = "acme/tiny-model";
    public const string Lfs = "model.bin";
    public const string Git = "tokenizer.json";

    /// <summary>The LFS file: five ranges of <see cref="DownloadPath.Chunk"/> bytes (four full, one short) on the parallel path.</summary>
    public static readonly byte[] LfsContent = Bytes.Random(600_000, seed: 61);

    /// <summary>The git file: below the parallel threshold, so one stream on every path.</summary>
    public static readonly string GitContent = "{\"vocab\": [" + string.Join(", ", Enumerable.Range(0, 8000).Select(i => i.ToString(CultureInfo.InvariantCulture))) + "]}";

    /// <summary>The <c>Range</c> headers the parallel path sends for the LFS file, in file order.</summary>
    public static readonly string[] ChunkRanges = Enumerable.Range(0, (LfsContent.Length + DownloadPath.Chunk - 1) / DownloadPath.Chunk)
        .Select(i => string.Create(CultureInfo.InvariantCulture, $"bytes={(long)i * DownloadPath.Chunk}-{Math.Min(LfsContent.Length, (long)(i + 1) * DownloadPath.Chunk) - 1}"))
        .ToArray();

    /// <summary>The paths that ask for a file's metadata with a HEAD (a header of that answer can be broken).</summary>
    private static readonly DownloadPath[] HeadPaths = [.. DownloadPath.Bridge.Where(p => p.MakesHead)];

    /// <summary>The paths that fetch the LFS file as ranges (faults of one range among several).</summary>
    private static readonly DownloadPath[] RangedPaths = [.. DownloadPath.Bridge.Where(p => p.SplitsLargeFiles)];

    /// <summary>The paths that learn about files from the JSON API and GET the resolve URL without a HEAD (snapshots).</summary>
    private static readonly DownloadPath[] SnapshotPaths = [.. DownloadPath.Bridge.Where(p => !p.MakesHead)];

    public static IReadOnlyList<FaultCase> All { get; } =
    [
        new("drop after N bytes, repeatedly", Lfs,
            c => c.Inject(FakeFault.DropAfter(60_000), c.Download, times: 4),
            Check: c =>
            {
                // An abort is a TCP reset, which discards bytes the client had not read yet (on loopback usually all of
                // them: every retry may start at 0), so this row cannot pin resume offsets; "stall past the timeout"
                // does, exactly. Here: a retry never starts before what was already written.
                if (c.Ranged)
                {
                    AssertRangesResumed(c, failures: 4);
                    return;
                }
                FakeHubRequest[] gets = c.Gets;
                Assert.Equal(5, gets.Length);
                Assert.Null(gets[0].Range);
                long[] starts = gets.Select(g => Start(g.Range)).ToArray();
                Assert.True(starts.Zip(starts.Skip(1)).All(p => p.Second >= p.First), "Retries never go back: " + string.Join(",", starts));
                Assert.Equal(LfsContent.Length - starts[^1], gets[^1].BytesSent);
            }),
        new("drop after N bytes, repeatedly (git file)", Git,
            c => c.Inject(FakeFault.DropAfter(10_000), c.Download, times: 3),
            Check: c => Assert.Equal(4, c.Gets.Length)),
        new("slow drip below the timeout", Lfs,
            c => c.Inject(FakeFault.Drip(32_768, TimeSpan.FromMilliseconds(25)), c.Download),
            Check: c =>
            {
                string?[] expected = c.Ranged ? [.. ChunkRanges] : [null];
                Assert.Equal(expected, Sorted(c.Gets));
            }),
        new("stall past the timeout", Lfs,
            c => c.Inject(FakeFault.Stall(100_000, TimeSpan.FromSeconds(30)), c.Download),
            Check: c =>
            {
                AssertStallAbandoned(c, TimeSpan.FromSeconds(30));
                if (!c.Ranged)
                {
                    Assert.Equal([null, "bytes=100000-"], c.Gets.Select(g => g.Range));
                    return;
                }
                // The first range goes alone, stalls at 100,000 and is asked again for the rest of its chunk only.
                Assert.Equal(ChunkRanges[0], c.Gets[0].Range);
                Assert.Equal(Sorted([.. ChunkRanges, "bytes=100000-131071"]), Sorted(c.Gets));
            }),
        new("429 with Retry-After seconds", Lfs,
            c => c.Inject(FakeFault.RateLimited(TimeSpan.FromSeconds(7)), c.Download),
            Check: c =>
            {
                Assert.Contains(TimeSpan.FromSeconds(7), c.Clock.Delays);
                if (c.Xet) XetFaultCases.AssertServedByXet(c);
            },
            OnXet: true),
        new("429 with Retry-After HTTP date", Git,
            c => c.Inject(FakeFault.RateLimitedUntil(c.Clock.GetUtcNow().AddSeconds(30)), c.Metadata),
            Check: c => Assert.Contains(TimeSpan.FromSeconds(30), c.Clock.Delays)),
        new("429 asking for longer than allowed", Lfs,
            c => c.Inject(FakeFault.RateLimited(TimeSpan.FromHours(1)), c.Download),
            typeof(RateLimitedException),
            c => Assert.Equal(TimeSpan.FromHours(1), ((RateLimitedException)c.Error!).RetryAfter)),
        .. new[] { 500, 502, 503, 504 }.Select(status => new FaultCase($"{status} burst", Lfs,
            c => c.Inject(FakeFault.Status(status), c.Download, times: 3),
            // Ranged: the first range goes alone, so the burst hits it; the others follow once it is served. Xet: the
            // burst hits whichever xorb GETs come first (several are in flight), each asked again until served.
            Check: c =>
            {
                if (c.Xet)
                {
                    Assert.Equal(3, c.Gets.Count(g => g.StatusCode == status));
                    XetFaultCases.AssertServedByXet(c);
                    return;
                }
                Assert.Equal(
                    c.Ranged ? [status, status, status, .. ChunkRanges.Select(_ => 206)] : [status, status, status, 200],
                    c.Gets.Select(g => g.StatusCode));
            },
            OnXet: true)),
        new("500 burst on the metadata request", Git,
            c => c.Inject(FakeFault.Status(500), c.Metadata, times: 3)),
        new("503 for good", Lfs,
            c => c.Inject(FakeFault.Status(503), c.Download, times: null),
            typeof(HubException),
            c => Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, ((HubException)c.Error!).StatusCode)),
        new("200 answering a Range", Lfs,
            c =>
            {
                c.SeedPartial(100_000);
                c.Inject(FakeFault.IgnoreRange(), c.Download);
            },
            // Ranged: the first range is answered 200, so the server does not serve ranges: one stream continues the partial.
            Check: c => Assert.Equal(
                c.Ranged ? [$"{ChunkRanges[0]} 200", "bytes=100000- 206"] : ["bytes=100000- 200"],
                c.Gets.Select(g => $"{g.Range} {g.StatusCode}"))),
        new("wrong Content-Range", Lfs,
            c =>
            {
                c.SeedPartial(100_000);
                c.Inject(FakeFault.WrongContentRange(), c.Download);
            },
            // Ranged: the first range comes back misplaced, so ranges cannot be trusted: one stream continues the partial.
            Check: c => Assert.Equal(
                c.Ranged ? [$"{ChunkRanges[0]} 206", "bytes=100000- 206"] : ["bytes=100000- 206", " 200"],
                c.Gets.Select(g => $"{g.Range} {g.StatusCode}"))),
        new("malformed Content-Range", Lfs,
            c =>
            {
                c.SeedPartial(100_000);
                c.Inject(FakeFault.Header("Content-Range", "bytes garbage"), c.Download);
            },
            Check: c => Assert.Equal(
                c.Ranged ? [(ChunkRanges[0], 206), ("bytes=100000-", 206)] : [("bytes=100000-", 206), (null, 200)],
                c.Gets.Select(g => (g.Range, g.StatusCode)))),
        new("truncated body with correct headers, once", Git,
            c => c.Inject(FakeFault.DropAfter(GitContent.Length - 1), c.Download),
            Check: c =>
            {
                Assert.Equal(2, c.Gets.Length);
                Assert.InRange(Start(c.Gets[1].Range), 0, GitContent.Length - 1);
                Assert.Equal(GitContent.Length - Start(c.Gets[1].Range), c.Gets[1].BytesSent);
            }),
        new("truncated body with correct headers, for good", Lfs,
            c => c.Inject(FakeFault.DropAfter(0), c.Download, times: null),
            typeof(HubException),
            c => Assert.Contains("without progress", c.Error!.Message, StringComparison.Ordinal)),
        new("a flipped byte", Lfs,
            c => c.Inject(FakeFault.CorruptByte(12_345), c.Download),
            typeof(HubIntegrityException)),
        new("a flipped byte (git file)", Git,
            c => c.Inject(FakeFault.CorruptByte(7), c.Download),
            typeof(HubIntegrityException)),
        // The file is replaced after the client learnt its etag and stays replaced: every byte served is of the new version.
        new("etag change between HEAD and GET, same size", Lfs,
            c => c.Inject(FakeFault.ReplaceContent(Bytes.Random(LfsContent.Length, seed: 62)), c.Download, times: null),
            typeof(HubIntegrityException)),
        new("etag change between HEAD and GET, other size", Git,
            c => c.Inject(FakeFault.ReplaceContent(Bytes.Random(GitContent.Length + 10, seed: 63)), c.Download, times: null),
            typeof(HubIntegrityException)),
        new("gzip body when identity was asked", Git,
            c => c.Inject(FakeFault.Gzip(), c.Download),
            Check: c => Assert.Equal(200, Assert.Single(c.Gets).StatusCode)),
        new("gzip body answering a Range", Lfs,
            c =>
            {
                c.SeedPartial(50_000);
                c.Inject(FakeFault.Gzip(), c.Download);
            }),
        new("redirect loop on the metadata request", Git,
            c => c.Inject(FakeFault.RedirectLoop(), c.Metadata, times: null),
            typeof(LocalEntryNotFoundException),
            c => Assert.IsType<HubProtocolException>(c.Error!.InnerException)),
        new("redirect loop on the download", Lfs,
            c => c.Inject(FakeFault.RedirectLoop(), c.Download, times: null),
            typeof(HubProtocolException)),
        new("relative redirect (renamed repo)", Git,
            c => c.Hub.RenameRepo("acme/old-name", Repo),
            Check: c =>
            {
                // The request that reaches the file keeps the redirect's query string: the HEAD, or the snapshot's GET.
                Assert.Contains(c.Hub.Requests, r => r.Method == (c.Path.MakesHead ? "HEAD" : "GET")
                    && r.Path.StartsWith("/" + Repo + "/resolve/", StringComparison.Ordinal) && r.Query == "?renamed_from=acme%2Fold-name");
                if (!c.Path.MakesHead) Assert.Contains(c.Hub.Requests, r => r.Path.StartsWith($"/api/models/{Repo}/revision/", StringComparison.Ordinal) && r.StatusCode == 200);
            },
            RepoId: "acme/old-name"),
        new("absolute redirect to the CDN host", Lfs,
            _ => { },
            Check: c =>
            {
                FakeHubRequest[] gets = c.Gets;
                Assert.Equal(c.Ranged ? ChunkRanges.Length : 1, gets.Length);
                Assert.All(gets, g => Assert.StartsWith("localhost:", g.Host, StringComparison.Ordinal));
                // Without a HEAD the resolve URL itself answers with the CDN's address.
                if (!c.Path.MakesHead) Assert.Equal(302, Assert.Single(c.Hub.Requests, r => c.ResolveHop(r)).StatusCode);
            }),
        new("absolute redirect to a location that is not http(s)", Lfs,
            c => c.Inject(FakeFault.Redirect("ftp://files.example.com/model.bin"), c.Download),
            typeof(HubProtocolException),
            c => Assert.Contains("'ftp'", c.Error!.Message, StringComparison.Ordinal)),
        new("bytes located at a location that is not http(s)", Lfs,
            c => c.Inject(FakeFault.Header("Location", "ftp://files.example.com/model.bin"), c.Locator),
            typeof(HubProtocolException),
            c => Assert.Contains("'ftp'", c.Error!.Message, StringComparison.Ordinal)),
        new("absolute redirect on the download GET", Git,
            c => c.Inject(FakeFault.Redirect($"{c.Hub.CdnEndpoint}/cdn/{c.File.Sha256}/{Git}"), c.Download),
            Check: c => Assert.Equal([302, 200], c.Gets.Select(g => g.StatusCode))),
        new("relative redirect on the download GET", Git,
            c => c.Inject(FakeFault.Redirect($"/cdn/{c.File.Sha256}/{Git}", 307), c.Download),
            Check: c => Assert.Equal([307, 200], c.Gets.Select(g => g.StatusCode))),
        new("oversized header, once", Git,
            c => c.Inject(FakeFault.OversizedHeader(100_000), c.Metadata)),
        new("oversized header, for good", Lfs,
            c => c.Inject(FakeFault.OversizedHeader(100_000), c.Download, times: null),
            typeof(HubException),
            c => Assert.IsType<HttpRequestException>(c.Error!.InnerException)),
        new("malformed size header", Lfs,
            c => c.Inject(FakeFault.Header("X-Linked-Size", "lots"), c.Metadata),
            typeof(LocalEntryNotFoundException),
            c => Assert.IsType<HubProtocolException>(c.Error!.InnerException),
            Paths: [.. HeadPaths, DownloadPath.Xet]),
        new("malformed JSON error body", Lfs,
            c => c.Inject(FakeFault.Status(400, "{\"error\": not json"), c.Download),
            typeof(HubException),
            c => Assert.Contains("not json", c.Error!.Message, StringComparison.Ordinal)),

        // One range among several misbehaving, mid-download (the parallel-specific faults).
        new("a range dropped and another answered 503, each asked again", Lfs,
            c =>
            {
                c.Inject(FakeFault.DropAfter(10_000), r => c.Download(r) && r.Range == ChunkRanges[2]);
                c.Inject(FakeFault.Status(503), r => c.Download(r) && r.Range == ChunkRanges[3]);
            },
            Check: c =>
            {
                AssertRangesResumed(c, failures: 2);
                Assert.Equal([503, 206], c.Gets.Where(g => g.Range == ChunkRanges[3]).Select(g => g.StatusCode));
            },
            Paths: RangedPaths),
        new("a later range answered 200 (Range ignored mid-download)", Lfs,
            c => c.Inject(FakeFault.IgnoreRange(), r => c.Download(r) && r.Range is { } range && range != ChunkRanges[0]),
            Check: AssertFellBackToOneStream,
            Paths: RangedPaths),
        new("a later range with a wrong Content-Range", Lfs,
            c => c.Inject(FakeFault.WrongContentRange(), r => c.Download(r) && r.Range is { } range && range != ChunkRanges[0]),
            Check: AssertFellBackToOneStream,
            Paths: RangedPaths),
        new("etag change mid-download: later ranges answer 412 to If-Match", Lfs,
            c => c.Inject(FakeFault.Status(412), r => c.Download(r) && Start(r.Range) > 0, times: null),
            typeof(HubFileChangedException),
            c =>
            {
                Assert.Contains(c.Gets, g => g.StatusCode == 412 && g.Headers.ContainsKey("If-Match"));
                AssertNothingKept(c);
            },
            Paths: RangedPaths),
        new("etag change mid-download: later ranges come from another version", Lfs,
            c => c.Inject(FakeFault.ReplaceContent(Bytes.Random(LfsContent.Length, seed: 64)), r => c.Download(r) && Start(r.Range) > 0, times: null),
            typeof(HubFileChangedException),
            AssertNothingKept,
            Paths: RangedPaths),

        // The snapshot path's own requests: the JSON API in place of the HEAD, and the resolve URL's hop to the CDN.
        new("malformed size in the file listing", Lfs,
            c => c.Inject(
                FakeFault.JsonBody($$"""[{"type": "file", "path": "{{Lfs}}", "oid": "{{c.File.GitSha1}}", "size": "lots", "lfs": {"oid": "{{c.File.Sha256}}", "size": "lots", "pointerSize": 134} }]"""),
                r => c.Metadata(r) && r.Path.Contains("/tree/", StringComparison.Ordinal)),
            typeof(LocalEntryNotFoundException),
            c => Assert.IsType<HubProtocolException>(c.Error!.InnerException),
            Paths: SnapshotPaths),
        new("malformed JSON from the API", Git,
            c => c.Inject(FakeFault.MalformedJson(), c.Metadata),
            typeof(LocalEntryNotFoundException),
            c => Assert.IsType<HubProtocolException>(c.Error!.InnerException),
            Paths: SnapshotPaths),
        new("503 burst on the resolve URL before the CDN hop", Lfs,
            c => c.Inject(FakeFault.Status(503), c.ResolveHop, times: 3),
            Check: c =>
            {
                // The resolve URL is asked until it answers; then every byte comes from the CDN it named (once per range).
                Assert.Equal([503, 503, 503, 302], c.Hub.Requests.Where(c.ResolveHop).Select(r => r.StatusCode));
                Assert.Equal(c.Ranged ? ChunkRanges.Select(_ => 206) : [200], c.Gets.Select(g => g.StatusCode));
            },
            Paths: SnapshotPaths),
        new("redirect loop on the resolve URL before the CDN hop", Lfs,
            c => c.Inject(FakeFault.RedirectLoop(), c.ResolveHop, times: null),
            typeof(HubProtocolException),
            c => Assert.Empty(c.Gets),
            Paths: SnapshotPaths),

        // Xet storage's own faults (token, reconstruction, xorbs), on the Xet paths.
        .. XetFaultCases.All,
    ];

    /// <summary>
    /// The stalled answer was given up after the download timeout, not waited out: the fake ends a stall by dropping the
    /// connection, which a client without a stall limit would also survive, only <paramref name="stall"/> later.
    /// </summary>
    public static void AssertStallAbandoned(FaultContext c, TimeSpan stall) =>
        Assert.True(c.Elapsed < stall / 2, $"The download took {c.Elapsed.TotalSeconds:0.#} s: it waited out the {stall.TotalSeconds:0} s stall.");

    /// <summary>The first byte a GET asked for (0 without a Range).</summary>
    private static long Start(string? range) =>
        range is null ? 0 : long.Parse(range.AsSpan("bytes=".Length, range.IndexOf('-', StringComparison.Ordinal) - "bytes=".Length), CultureInfo.InvariantCulture);

    /// <summary>The last byte a GET asked for (<see cref="long.MaxValue"/> for an open range or none).</summary>
    private static long End(string? range)
    {
        string tail = range is null ? "" : range[(range.IndexOf('-', StringComparison.Ordinal) + 1)..];
        return tail.Length == 0 ? long.MaxValue : long.Parse(tail, CultureInfo.InvariantCulture);
    }

    private static string?[] Sorted(IEnumerable<FakeHubRequest> gets) => Sorted(gets.Select(g => g.Range));

    private static string?[] Sorted(IEnumerable<string?> ranges) => ranges.OrderBy(Start).ThenBy(End).ToArray();

    /// <summary>
    /// Each range of the parallel download, in order: the first alone, then every chunk asked until it was whole, each
    /// retry continuing from no earlier than the last attempt (never from the chunk's start again after progress), the
    /// last attempt receiving exactly the rest of the chunk.
    /// </summary>
    private static void AssertRangesResumed(FaultContext c, int failures)
    {
        FakeHubRequest[] gets = c.Gets;
        Assert.Equal(ChunkRanges.Length + failures, gets.Length);
        Assert.Equal(ChunkRanges[0], gets[0].Range);
        IGrouping<long, FakeHubRequest>[] chunks = gets.GroupBy(g => End(g.Range)).ToArray();
        Assert.Equal(ChunkRanges.Select(End), chunks.Select(g => g.Key).Order());
        foreach (IGrouping<long, FakeHubRequest> chunk in chunks)
        {
            long[] starts = chunk.Select(g => Start(g.Range)).ToArray();
            Assert.Equal(Start(ChunkRanges.Single(r => End(r) == chunk.Key)), starts[0]);
            Assert.True(starts.Zip(starts.Skip(1)).All(p => p.Second >= p.First), "Retries never go back: " + string.Join(",", starts));
            Assert.Equal(chunk.Key - starts[^1] + 1, chunk.Last().BytesSent);
        }
    }

    /// <summary>
    /// A range answered in a way that shows ranges cannot be trusted: the parallel download is abandoned (its partial
    /// dropped) and one stream fetches the whole file from its start.
    /// </summary>
    private static void AssertFellBackToOneStream(FaultContext c)
    {
        FakeHubRequest[] gets = c.Gets;
        Assert.Equal(ChunkRanges[0], gets[0].Range);
        Assert.Equal(1, gets.Count(g => g.Fault is not null));
        // The one stream comes after the faulted range. (A range sent before the fault was seen may reach the hub after the
        // one stream on a busy machine: the log is in order of arrival, not of sending.)
        FakeHubRequest whole = Assert.Single(gets, g => g.Range is null);
        Assert.Equal(200, whole.StatusCode);
        Assert.True(Array.IndexOf(gets, whole) > Array.FindIndex(gets, g => g.Fault is not null), "The one stream came before the faulted range.");
    }

    /// <summary>Nothing of the failed download stays: no blob, no partial, no sidecar, no snapshot entry.</summary>
    private static void AssertNothingKept(FaultContext c)
    {
        string blobs = Path.Combine(c.RepoDir, "blobs");
        Assert.Empty(Directory.Exists(blobs) ? Directory.GetFiles(blobs) : []);
        string snapshots = Path.Combine(c.RepoDir, "snapshots");
        Assert.Empty(Directory.Exists(snapshots) ? Directory.GetFiles(snapshots, "*", SearchOption.AllDirectories) : []);
    }
}
