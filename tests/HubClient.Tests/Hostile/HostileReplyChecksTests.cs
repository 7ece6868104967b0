using System.Net;
using System.Net.Http.Headers;

namespace HubClient.Tests.Hostile;

/// <summary>Hostile replies on the plain-HTTP paths that HubClient already handles as promised (review "hostile2"): kept as regression checks.</summary>
public sealed class HostileReplyChecksTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly ScriptedHub _hub = new(Bytes.Random(64 * 1024, seed: 3));

    public void Dispose() => _temp.Dispose();

    private string Cache => _temp.Combine("hub");

    private HubApi ParallelApi() => _hub.CreateApi(Cache, o =>
    {
        o.Transfer.ParallelThreshold = 0;
        o.Transfer.ChunkSize = 4096;
        o.Transfer.BufferSize = 4096;
        o.Transfer.MaxConnections = 4;
    });

    private string Blobs => Path.Combine(Cache, "models--acme--hostile", "blobs");

    /// <summary>The CDN serves ranges normally for the first three requests, then <paramref name="later"/>.</summary>
    private void CdnTurns(Func<HttpRequestMessage, HttpResponseMessage, HttpResponseMessage> later)
    {
        int n = 0;
        _hub.Answer = r =>
        {
            if (r.RequestUri!.Host != "cdn.test") return _hub.DefaultAnswer(r);
            HttpResponseMessage normal = _hub.CdnGet(r);
            return Interlocked.Increment(ref n) > 3 ? later(r, normal) : normal;
        };
    }

    [Fact]
    public async Task Parallel_ranges_from_another_version_without_an_etag_fail_the_hash_and_leave_nothing()
    {
        byte[] other = Bytes.Random(_hub.Content.Length, seed: 99);
        CdnTurns((_, normal) =>
        {
            ContentRangeHeaderValue range = normal.Content.Headers.ContentRange!;
            var changed = new HttpResponseMessage(HttpStatusCode.PartialContent)
            {
                Content = new ByteArrayContent(other, (int)range.From!.Value, (int)(range.To!.Value - range.From.Value + 1)),
            };
            changed.Content.Headers.ContentRange = range;
            return changed;
        });
        using HubApi api = ParallelApi();

        await Assert.ThrowsAsync<HubIntegrityException>(() => api.DownloadFileAsync(ScriptedHub.Repo, "model.bin"));
        Assert.Empty(Directory.EnumerateFiles(Blobs));
    }

    [Fact]
    public async Task Parallel_ranges_whose_etag_changes_are_a_changed_file()
    {
        int n = 0;
        _hub.Answer = r =>
        {
            if (r.RequestUri!.Host != "cdn.test") return _hub.DefaultAnswer(r);
            HttpResponseMessage response = _hub.CdnGet(r);
            response.Headers.ETag = new EntityTagHeaderValue(Interlocked.Increment(ref n) > 3 ? "\"v2\"" : "\"v1\"");
            return response;
        };
        using HubApi api = ParallelApi();

        await Assert.ThrowsAsync<HubFileChangedException>(() => api.DownloadFileAsync(ScriptedHub.Repo, "model.bin"));
        Assert.Empty(Directory.EnumerateFiles(Blobs));
    }

    [Fact]
    public async Task Parallel_ranges_whose_total_changes_are_a_changed_file()
    {
        CdnTurns((_, normal) =>
        {
            ContentRangeHeaderValue range = normal.Content.Headers.ContentRange!;
            normal.Content.Headers.ContentRange = new ContentRangeHeaderValue(range.From!.Value, range.To!.Value, range.Length!.Value + 1);
            return normal;
        });
        using HubApi api = ParallelApi();

        await Assert.ThrowsAsync<HubFileChangedException>(() => api.DownloadFileAsync(ScriptedHub.Repo, "model.bin"));
        Assert.Empty(Directory.EnumerateFiles(Blobs));
    }

    [Fact]
    public async Task Parallel_ranges_answered_200_midway_fall_back_to_one_verified_stream()
    {
        CdnTurns((_, _) => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(_hub.Content) });
        using HubApi api = ParallelApi();

        string path = await api.DownloadFileAsync(ScriptedHub.Repo, "model.bin");

        Assert.Equal(_hub.Content, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task A_huge_error_body_on_a_download_is_read_only_up_to_its_cap()
    {
        var body = new CountingStream(50L * 1024 * 1024);
        _hub.Answer = r => r.RequestUri!.Host == "cdn.test"
            ? new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StreamContent(body) }
            : _hub.DefaultAnswer(r);
        using HubApi api = _hub.CreateApi(Cache);

        await Assert.ThrowsAnyAsync<HubException>(() => api.DownloadFileAsync(ScriptedHub.Repo, "model.bin"));
        Assert.True(body.Served <= 128 * 1024, $"{body.Served:N0}");
    }

    [Theory]
    [InlineData("Retry-After", "1.5")]
    [InlineData("Retry-After", "-1")]
    [InlineData("Retry-After", "99999999999")]
    [InlineData("Retry-After", "Thu, 01 Jan 1970 00:00:00 GMT")]
    [InlineData("Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT")]
    [InlineData("Retry-After", "garbage")]
    [InlineData("RateLimit", "\"api\";r=0;t=99999999999")]
    [InlineData("RateLimit", ";;;===")]
    public async Task Odd_rate_limit_headers_end_in_RateLimitedException_quickly(string header, string value)
    {
        _hub.Answer = _ =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Content = new StringContent("") };
            response.Headers.TryAddWithoutValidation(header, value);
            return response;
        };
        using HubApi api = _hub.CreateApi(Cache);

        Task<RateLimitedException> call = Assert.ThrowsAsync<RateLimitedException>(() => api.GetRepoInfoAsync(ScriptedHub.Repo));
        Assert.Same(call, await Task.WhenAny(call, Task.Delay(TimeSpan.FromSeconds(15))));
        await call;
    }

    [Theory]
    [InlineData("""[{"type":"file","type":"directory","path":"a","oid":"x","size":1}]""")]
    [InlineData("""[{"type":"file","path":"a","path":"../../x","oid":"x","size":1}]""")]
    [InlineData("""[{"type":"file","path":"a","oid":"x","size":1e3}]""")]
    [InlineData("""[{"type":"file","path":"a","oid":"x","size":99999999999999999999999}]""")]
    [InlineData("""[{"type":"file","path":"a","oid":"x","size":1,"lastCommit":{"id":"x","date":"yesterday"}}]""")]
    [InlineData("""[{"type":"file","path":"a","oid":"x","size":1,"securityFileStatus":{"status":null}}]""")]
    [InlineData("""[{"type":7,"path":"a","oid":"x","size":1}]""")]
    [InlineData("""[[],{}]""")]
    public async Task Malformed_tree_entries_are_protocol_errors(string json)
    {
        _hub.Answer = _ => ScriptedHub.Json(json);
        using HubApi api = _hub.CreateApi(Cache);

        await Assert.ThrowsAsync<HubProtocolException>(() => api.ListRepoTreeAsync(ScriptedHub.Repo).ToListAsync().AsTask());
    }

    [Theory]
    [InlineData("X-Repo-Commit", "0123456789abcdef0123456789abcdef01234567, fedcba9876543210fedcba9876543210fedcba98")]
    [InlineData("X-Repo-Commit", "0123456789ABCDEF0123456789ABCDEF01234567")]
    [InlineData("X-Linked-Etag", "\"a\", \"b\"")]
    [InlineData("X-Linked-Etag", "W/\"\"")]
    [InlineData("X-Linked-Size", "+5")]
    [InlineData("X-Linked-Size", "1e3")]
    [InlineData("X-Linked-Size", "99999999999999999999999")]
    public async Task Malformed_metadata_headers_are_protocol_errors(string name, string value)
    {
        _hub.Answer = r =>
        {
            HttpResponseMessage head = _hub.LfsHead();
            head.Headers.Remove(name);
            head.Headers.TryAddWithoutValidation(name, value);
            return head;
        };
        using HubApi api = _hub.CreateApi(Cache);

        await Assert.ThrowsAsync<HubProtocolException>(() => api.GetFileMetadataAsync(ScriptedHub.Repo, "model.bin"));
    }
}
