using System.Globalization;

namespace HubClient.Tests.Faults;

/// <summary>The fault table: every way a hub, a CDN or the network misbehaves that the issue lists.</summary>
public static class FaultCases
{
    public const string Repo = "acme/tiny-model";
    public const string Lfs = "model.bin";
    public const string Git = "tokenizer.json";
    public static readonly byte[] LfsContent = Bytes.Random(300_000, seed: 61);
    public static readonly string GitContent = "{\"vocab\": [" + string.Join(", ", Enumerable.Range(0, 8000).Select(i => i.ToString(CultureInfo.InvariantCulture))) + "]}";

    public static IReadOnlyList<FaultCase> All { get; } =
    [
        new("drop after N bytes, repeatedly", Lfs,
            c => c.Hub.InjectFault(FakeFault.DropAfter(60_000), c.Download, times: 4),
            Check: c =>
            {
                // An abort is a TCP reset, which may discard bytes the client had not read yet: how far each attempt got
                // varies, but a retry never starts before what was already written.
                FakeHubRequest[] gets = c.Gets;
                Assert.Equal(5, gets.Length);
                Assert.Null(gets[0].Range);
                long[] starts = gets.Select(g => Start(g.Range)).ToArray();
                Assert.True(starts.Zip(starts.Skip(1)).All(p => p.Second >= p.First), "Retries never go back: " + string.Join(",", starts));
                Assert.Equal(LfsContent.Length - starts[^1], gets[^1].BytesSent);
            }),
        new("drop after N bytes, repeatedly (git file)", Git,
            c => c.Hub.InjectFault(FakeFault.DropAfter(10_000), c.Download, times: 3),
            Check: c => Assert.Equal(4, c.Gets.Length)),
        new("slow drip below the timeout", Lfs,
            c => c.Hub.InjectFault(FakeFault.Drip(32_768, TimeSpan.FromMilliseconds(25)), c.Download),
            Check: c => Assert.Single(c.Gets)),
        new("stall past the timeout", Lfs,
            c => c.Hub.InjectFault(FakeFault.Stall(100_000, TimeSpan.FromSeconds(30)), c.Download),
            Check: c => Assert.Equal([null, "bytes=100000-"], c.Gets.Select(g => g.Range))),
        new("429 with Retry-After seconds", Lfs,
            c => c.Hub.InjectFault(FakeFault.RateLimited(TimeSpan.FromSeconds(7)), c.Download),
            Check: c => Assert.Contains(TimeSpan.FromSeconds(7), c.Clock.Delays)),
        new("429 with Retry-After HTTP date", Git,
            c => c.Hub.InjectFault(FakeFault.RateLimitedUntil(DateTimeOffset.UtcNow.AddSeconds(30)), c.Metadata),
            Check: c => Assert.Contains(c.Clock.Delays, d => d > TimeSpan.FromSeconds(25) && d <= TimeSpan.FromSeconds(31))),
        new("429 asking for longer than allowed", Lfs,
            c => c.Hub.InjectFault(FakeFault.RateLimited(TimeSpan.FromHours(1)), c.Download),
            typeof(RateLimitedException),
            c => Assert.Equal(TimeSpan.FromHours(1), ((RateLimitedException)c.Error!).RetryAfter)),
        .. new[] { 500, 502, 503, 504 }.Select(status => new FaultCase($"{status} burst", Lfs,
            c => c.Hub.InjectFault(FakeFault.Status(status), c.Download, times: 3),
            Check: c => Assert.Equal([status, status, status, 200], c.Gets.Select(g => g.StatusCode)))),
        new("500 burst on the metadata request", Git,
            c => c.Hub.InjectFault(FakeFault.Status(500), c.Metadata, times: 3)),
        new("503 for good", Lfs,
            c => c.Hub.InjectFault(FakeFault.Status(503), c.Download, times: null),
            typeof(HubException),
            c => Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, ((HubException)c.Error!).StatusCode)),
        new("200 answering a Range", Lfs,
            c =>
            {
                c.SeedPartial(100_000);
                c.Hub.InjectFault(FakeFault.IgnoreRange(), c.Download);
            },
            Check: c => Assert.Equal("bytes=100000- 200", Assert.Single(c.Gets.Select(g => $"{g.Range} {g.StatusCode}")))),
        new("wrong Content-Range", Lfs,
            c =>
            {
                c.SeedPartial(100_000);
                c.Hub.InjectFault(FakeFault.WrongContentRange(), c.Download);
            },
            Check: c => Assert.Equal(["bytes=100000- 206", " 200"], c.Gets.Select(g => $"{g.Range} {g.StatusCode}"))),
        new("malformed Content-Range", Lfs,
            c =>
            {
                c.SeedPartial(100_000);
                c.Hub.InjectFault(FakeFault.Header("Content-Range", "bytes garbage"), c.Download);
            },
            Check: c => Assert.Equal([("bytes=100000-", 206), (null, 200)], c.Gets.Select(g => (g.Range, g.StatusCode)))),
        new("truncated body with correct headers, once", Git,
            c => c.Hub.InjectFault(FakeFault.DropAfter(GitContent.Length - 1), c.Download),
            Check: c =>
            {
                Assert.Equal(2, c.Gets.Length);
                Assert.InRange(Start(c.Gets[1].Range), 0, GitContent.Length - 1);
                Assert.Equal(GitContent.Length - Start(c.Gets[1].Range), c.Gets[1].BytesSent);
            }),
        new("truncated body with correct headers, for good", Lfs,
            c => c.Hub.InjectFault(FakeFault.DropAfter(0), c.Download, times: null),
            typeof(HubException),
            c => Assert.Contains("without progress", c.Error!.Message, StringComparison.Ordinal)),
        new("a flipped byte", Lfs,
            c => c.Hub.InjectFault(FakeFault.CorruptByte(12_345), c.Download),
            typeof(HubIntegrityException)),
        new("a flipped byte (git file)", Git,
            c => c.Hub.InjectFault(FakeFault.CorruptByte(7), c.Download),
            typeof(HubIntegrityException)),
        new("etag change between HEAD and GET, same size", Lfs,
            c => c.Hub.InjectFault(FakeFault.ReplaceContent(Bytes.Random(LfsContent.Length, seed: 62)), c.Download),
            typeof(HubIntegrityException)),
        new("etag change between HEAD and GET, other size", Git,
            c => c.Hub.InjectFault(FakeFault.ReplaceContent(Bytes.Random(GitContent.Length + 10, seed: 63)), c.Download),
            typeof(HubIntegrityException)),
        new("gzip body when identity was asked", Git,
            c => c.Hub.InjectFault(FakeFault.Gzip(), c.Download),
            Check: c => Assert.Equal(200, Assert.Single(c.Gets).StatusCode)),
        new("gzip body answering a Range", Lfs,
            c =>
            {
                c.SeedPartial(50_000);
                c.Hub.InjectFault(FakeFault.Gzip(), c.Download);
            }),
        new("redirect loop on the metadata request", Git,
            c => c.Hub.InjectFault(FakeFault.RedirectLoop(), c.Metadata, times: null),
            typeof(LocalEntryNotFoundException),
            c => Assert.IsType<HubProtocolException>(c.Error!.InnerException)),
        new("redirect loop on the download", Lfs,
            c => c.Hub.InjectFault(FakeFault.RedirectLoop(), c.Download, times: null),
            typeof(HubProtocolException)),
        new("relative redirect (renamed repo)", Git,
            c => c.Hub.RenameRepo("acme/old-name", Repo),
            Check: c => Assert.Contains(c.Hub.Requests, r => r.Method == "HEAD" && r.Query == "?renamed_from=acme%2Fold-name"),
            RepoId: "acme/old-name"),
        new("absolute redirect to the CDN host", Lfs,
            _ => { },
            Check: c => Assert.StartsWith("localhost:", Assert.Single(c.Gets).Host, StringComparison.Ordinal)),
        new("absolute redirect on the download GET", Git,
            c => c.Hub.InjectFault(FakeFault.Redirect($"{c.Hub.CdnEndpoint}/cdn/{c.File.Sha256}/{Git}"), c.Download),
            Check: c => Assert.Equal([302, 200], c.Gets.Select(g => g.StatusCode))),
        new("relative redirect on the download GET", Git,
            c => c.Hub.InjectFault(FakeFault.Redirect($"/cdn/{c.File.Sha256}/{Git}", 307), c.Download),
            Check: c => Assert.Equal([307, 200], c.Gets.Select(g => g.StatusCode))),
        new("oversized header, once", Git,
            c => c.Hub.InjectFault(FakeFault.OversizedHeader(100_000), c.Metadata)),
        new("oversized header, for good", Lfs,
            c => c.Hub.InjectFault(FakeFault.OversizedHeader(100_000), c.Download, times: null),
            typeof(HubException),
            c => Assert.IsType<HttpRequestException>(c.Error!.InnerException)),
        new("malformed size header", Lfs,
            c => c.Hub.InjectFault(FakeFault.Header("X-Linked-Size", "lots"), c.Metadata),
            typeof(LocalEntryNotFoundException),
            c => Assert.IsType<HubProtocolException>(c.Error!.InnerException)),
        new("malformed JSON error body", Lfs,
            c => c.Hub.InjectFault(FakeFault.Status(400, "{\"error\": not json"), c.Download),
            typeof(HubException),
            c => Assert.Contains("not json", c.Error!.Message, StringComparison.Ordinal)),
    ];

    /// <summary>The first byte a GET asked for (0 without a Range).</summary>
    private static long Start(string? range) => range is null ? 0 : long.Parse(range["bytes=".Length..^1], CultureInfo.InvariantCulture);
}
