using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using HubClient.Xet;
using Microsoft.Win32.SafeHandles;

namespace HubClient.Tests.Xet;

/// <summary>
/// A CAS that signs one range for several terms of a xorb (merged adjacent chunk ranges, which the reconstruction format
/// allows and xet-core's simulation CAS produces; FakeCas signs each term's range on its own): a term's rest asked again
/// after a drop, a stall or a refused URL must be asked for all the terms sharing the range.
/// </summary>
public sealed class XetMergedRangeTests : IAsyncDisposable
{
    private const string Repo = "acme/xet-merged";
    private readonly FakeHub _hub = FakeHub.Start();
    private readonly TempDirectory _temp = new();
    private readonly HttpClient _client = new(new MergingCas(HubHttp.CreateHandler())) { Timeout = Timeout.InfiniteTimeSpan };
    private readonly HubHttp _http;
    private readonly StallClock _clock = new();

    public XetMergedRangeTests()
    {
        _hub.AddRepo(Repo);
        HubApiOptions options = _hub.CreateOptions(_temp.Combine("cache"), token: null);
        options.DownloadTimeout = StallClock.IdleTimeout;
        options.TimeProvider = _clock;
        _http = new HubHttp(_client, options);
    }

    /// <summary>Merges each xorb's signed ranges of a whole-file v2 reconstruction into one range on one URL.</summary>
    private sealed class MergingCas(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
            if (!request.RequestUri!.AbsolutePath.Contains("/v2/reconstructions/", StringComparison.Ordinal) || request.Headers.Contains("Range")
                || !response.IsSuccessStatusCode)
            {
                return response;
            }
            JsonNode json = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!;
            foreach ((string _, JsonNode? entries) in json["xorbs"]!.AsObject())
            {
                var all = entries!.AsArray().SelectMany(e => e!["ranges"]!.AsArray().Select(r => (
                    Url: e["url"]!.GetValue<string>(),
                    C0: r!["chunks"]!["start"]!.GetValue<long>(), C1: r["chunks"]!["end"]!.GetValue<long>(),
                    B0: r["bytes"]!["start"]!.GetValue<long>(), B1: r["bytes"]!["end"]!.GetValue<long>()))).OrderBy(r => r.C0).ToList();
                var merged = new List<(long C0, long C1, long B0, long B1)>();
                foreach (var r in all)
                {
                    if (merged.Count > 0 && r.C0 <= merged[^1].C1)
                    {
                        var last = merged[^1];
                        merged[^1] = (last.C0, Math.Max(last.C1, r.C1), last.B0, Math.Max(last.B1, r.B1));
                    }
                    else
                    {
                        merged.Add((r.C0, r.C1, r.B0, r.B1));
                    }
                }
                string baseUrl = all[0].Url[..all[0].Url.IndexOf('?', StringComparison.Ordinal)];
                string specs = string.Join(',', merged.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.B0}-{m.B1}")));
                var ranges = new JsonArray();
                foreach (var m in merged)
                {
                    ranges.Add(new JsonObject
                    {
                        ["chunks"] = new JsonObject { ["start"] = m.C0, ["end"] = m.C1 },
                        ["bytes"] = new JsonObject { ["start"] = m.B0, ["end"] = m.B1 },
                    });
                }
                entries.AsArray().Clear();
                entries.AsArray().Add(new JsonObject { ["url"] = $"{baseUrl}?ranges={specs}&X-Xet-Signature=fake&merged=1", ["ranges"] = ranges });
            }
            response.Content = new StringContent(json.ToJsonString(), Encoding.UTF8, "application/json");
            return response;
        }
    }

    private XetFileRequest Request(FakeFile file) =>
        new(RepoType.Model, Repo, _hub.FindRepo(Repo)!.Resolve("main")!.Sha, file.Path, file.XetHash!, file.Size);

    /// <summary>One xorb, terms of 4 chunks each, all signed in one merged range.</summary>
    private FakeFile AddManyTermsOneRange(int length, int seed)
    {
        _hub.XetChunksPerXorb = 10_000;
        _hub.XetChunksPerTerm = 4;
        _hub.FindRepo(Repo)!.Commit(c => c.AddXet("model.bin", Bytes.Random(length, seed)));
        return _hub.FindRepo(Repo)!.Resolve("main")!.Files["model.bin"];
    }

    private async Task<byte[]> DownloadAsync(FakeFile file)
    {
        string target = _temp.Combine(Guid.NewGuid().ToString("N"));
        using (SafeFileHandle handle = File.OpenHandle(target, FileMode.CreateNew, FileAccess.ReadWrite))
        {
            RandomAccess.SetLength(handle, file.Size);
            await _clock.RunAsync(_hub, new XetFileDownloader(_http, new XetDownloadOptions { WriteBufferSize = 128 * 1024 })
                .DownloadAsync(Request(file), handle, _temp.Combine("model.bin.xet-ledger"), null, CancellationToken.None));
        }
        return File.ReadAllBytes(target);
    }

    private static long Length(string? range)
    {
        if (range is null || range.Contains(',', StringComparison.Ordinal)) return 0;
        int dash = range.IndexOf('-', StringComparison.Ordinal);
        return long.Parse(range[(dash + 1)..], CultureInfo.InvariantCulture) - long.Parse(range["bytes=".Length..dash], CultureInfo.InvariantCulture) + 1;
    }

    [Fact]
    public async Task The_merged_layout_downloads_in_one_request()
    {
        FakeFile file = AddManyTermsOneRange(1_500_000, seed: 70);
        Assert.Equal(file.Content, await DownloadAsync(file));
        Assert.Single(_hub.Requests, r => r.IsXorb);
    }

    [Fact]
    public async Task A_refused_url_shared_by_several_terms_is_signed_again_for_all_of_them()
    {
        FakeFile file = AddManyTermsOneRange(1_500_000, seed: 71);
        _hub.InjectFault(FakeFault.Status(403), r => r.IsXorb && r.Query.Contains("merged=1", StringComparison.Ordinal), times: null);
        Assert.Equal(file.Content, await DownloadAsync(file));
        Assert.Single(_hub.Requests, r => r.IsXorb && r.StatusCode == 403);
    }

    [Fact]
    public async Task A_merged_range_that_always_stalls_after_the_same_bytes_is_continued_where_it_stopped()
    {
        FakeFile file = AddManyTermsOneRange(3_000_000, seed: 72);
        _hub.InjectFault(FakeFault.Stall(1_000_000, TimeSpan.FromMinutes(1)), r => r.IsXorb && Length(r.Range) > 1_200_000, times: null);
        Assert.Equal(file.Content, await DownloadAsync(file));
    }

    [Fact]
    public async Task A_stalled_merged_range_asks_only_its_rest_again()
    {
        FakeFile file = AddManyTermsOneRange(3_000_000, seed: 73);
        _hub.InjectFault(FakeFault.Stall(2_000_000, TimeSpan.FromMinutes(1)), r => r.IsXorb, times: 1);
        Assert.Equal(file.Content, await DownloadAsync(file));
        FakeHubRequest[] xorbs = [.. _hub.Requests.Where(r => r.IsXorb)];
        string seen = string.Join(", ", xorbs.Select(r => r.Range + ":" + r.BytesSent));
        Assert.Equal(1, _clock.Stalls);
        Assert.True(xorbs.Count(r => r.Range!.StartsWith("bytes=0-", StringComparison.Ordinal)) == 1, seen);
        Assert.True(xorbs.Sum(r => r.BytesSent) < file.Size + 300_000, seen);
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _hub.DisposeAsync();
        _temp.Dispose();
    }
}
