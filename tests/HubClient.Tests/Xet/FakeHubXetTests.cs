using System.Net;
using System.Text.Json;

namespace HubClient.Tests.Xet;

/// <summary>FakeHub's Xet side as a client sees it on the wire.</summary>
public sealed class FakeHubXetTests : IAsyncDisposable
{
    private readonly FakeHub _hub = FakeHub.Start();
    private readonly HttpClient _client = new(new SocketsHttpHandler { AllowAutoRedirect = false });
    private readonly FakeFile _file;

    public FakeHubXetTests()
    {
        _hub.AddRepo("acme/x").Commit(c => c.AddXet("w.bin", Bytes.Random(900_000, 3)));
        _file = _hub.FindRepo("acme/x")!.Resolve("main")!.Files["w.bin"];
    }

    private string Resolve => $"{_hub.Endpoint}/acme/x/resolve/main/w.bin";

    [Fact]
    public async Task Resolve_head_redirects_to_the_bridge_with_xet_headers_and_no_etag()
    {
        using HttpResponseMessage head = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, Resolve));

        Assert.Equal(HttpStatusCode.Found, head.StatusCode);
        Assert.Equal(_file.XetHash, head.Headers.GetValues("X-Xet-Hash").Single());
        Assert.Equal("\"" + _file.Sha256 + "\"", head.Headers.GetValues("X-Linked-Etag").Single());
        Assert.Equal(_file.Size.ToString(System.Globalization.CultureInfo.InvariantCulture), head.Headers.GetValues("X-Linked-Size").Single());
        Assert.Null(head.Headers.ETag);
        string link = head.Headers.GetValues("Link").Single();
        Assert.Contains("/api/models/acme/x/xet-read-token/", link);
        Assert.Contains($"{_hub.CasEndpoint}/v1/reconstructions/{_file.XetHash}>; rel=\"xet-reconstruction-info\"", link);
        Assert.NotEqual(_file.Size, head.Content.Headers.ContentLength);

        using HttpResponseMessage get = await _client.GetAsync(Resolve);
        Assert.StartsWith("Found. Redirecting to ", await get.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Resolve_get_asking_for_xet_fileinfo_answers_200_with_the_headers()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Resolve);
        request.Headers.TryAddWithoutValidation("Range", "bytes=0-0");
        request.Headers.TryAddWithoutValidation("Accept", "application/vnd.xet-fileinfo+json, */*");
        using HttpResponseMessage response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.xet-fileinfo+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(_file.XetHash, response.Headers.GetValues("X-Xet-Hash").Single());
    }

    [Fact]
    public async Task Tree_and_paths_info_entries_carry_the_xet_hash()
    {
        string tree = await _client.GetStringAsync($"{_hub.Endpoint}/api/models/acme/x/tree/main");
        Assert.Equal(_file.XetHash, JsonDocument.Parse(tree).RootElement[0].GetProperty("xetHash").GetString());

        using HttpResponseMessage info = await _client.PostAsync($"{_hub.Endpoint}/api/models/acme/x/paths-info/main",
            new FormUrlEncodedContent([new("paths", "w.bin"), new("expand", "true")]));
        Assert.Equal(_file.XetHash, JsonDocument.Parse(await info.Content.ReadAsStringAsync()).RootElement[0].GetProperty("xetHash").GetString());
    }

    private async Task<(string Token, JsonElement Reconstruction)> ReconstructionAsync(string? range = null)
    {
        string tokenJson = await _client.GetStringAsync($"{_hub.Endpoint}/api/models/acme/x/xet-read-token/main");
        string token = JsonDocument.Parse(tokenJson).RootElement.GetProperty("accessToken").GetString()!;
        var request = new HttpRequestMessage(HttpMethod.Get, $"{_hub.CasEndpoint}/v2/reconstructions/{_file.XetHash}");
        request.Headers.Authorization = new("Bearer", token);
        if (range is not null) request.Headers.TryAddWithoutValidation("Range", range);
        using HttpResponseMessage response = await _client.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.OK) return (token, default);
        return (token, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    [Fact]
    public async Task Reconstruction_honours_range_and_answers_416_past_the_end()
    {
        (_, JsonElement whole) = await ReconstructionAsync();
        Assert.Equal(0, whole.GetProperty("offset_into_first_range").GetInt64());
        Assert.Equal(_file.Size, whole.GetProperty("terms").EnumerateArray().Sum(t => t.GetProperty("unpacked_length").GetInt64()));

        (_, JsonElement tail) = await ReconstructionAsync($"bytes={_file.Size - 10}-{_file.Size - 1}");
        Assert.Single(tail.GetProperty("terms").EnumerateArray());
        Assert.True(tail.GetProperty("offset_into_first_range").GetInt64() > 0);

        string token = JsonDocument.Parse(await _client.GetStringAsync($"{_hub.Endpoint}/api/models/acme/x/xet-read-token/main")).RootElement.GetProperty("accessToken").GetString()!;
        var past = new HttpRequestMessage(HttpMethod.Get, $"{_hub.CasEndpoint}/v2/reconstructions/{_file.XetHash}");
        past.Headers.Authorization = new("Bearer", token);
        past.Headers.TryAddWithoutValidation("Range", $"bytes={_file.Size}-");
        using HttpResponseMessage refused = await _client.SendAsync(past);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, refused.StatusCode);

        using HttpResponseMessage anonymous = await _client.GetAsync($"{_hub.CasEndpoint}/v2/reconstructions/{_file.XetHash}");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task A_ranged_reconstruction_is_cut_to_the_chunks_holding_the_range_ends_as_xet_cores_simulation_cas()
    {
        // xet-core's simulation CAS (client_unit_testing.rs, test_chunk_boundary_shrinking): a range starting 500 bytes
        // into chunk 1 gets a first term starting at chunk 1 with offset_into_first_range 500; one ending inside chunk 2
        // gets a last term ending after chunk 2. Chunks 0-3 are the first term (XetChunksPerTerm = 4).
        (_, JsonElement whole) = await ReconstructionAsync();
        JsonElement first = whole.GetProperty("terms")[0];
        long xorbStart = first.GetProperty("range").GetProperty("start").GetInt64();
        Assert.Equal(xorbStart + 4, first.GetProperty("range").GetProperty("end").GetInt64());
        IReadOnlyList<(int Offset, int Length)> chunks = _file.XetChunks!;

        (_, JsonElement cut) = await ReconstructionAsync($"bytes={chunks[1].Offset + 500}-{chunks[2].Offset + 10}");

        JsonElement term = Assert.Single(cut.GetProperty("terms").EnumerateArray());
        Assert.Equal(500, cut.GetProperty("offset_into_first_range").GetInt64());
        Assert.Equal(xorbStart + 1, term.GetProperty("range").GetProperty("start").GetInt64());
        Assert.Equal(xorbStart + 3, term.GetProperty("range").GetProperty("end").GetInt64());
        Assert.Equal(chunks[1].Length + chunks[2].Length, term.GetProperty("unpacked_length").GetInt64());
        JsonElement fetch = cut.GetProperty("xorbs").GetProperty(term.GetProperty("hash").GetString()!)[0].GetProperty("ranges")[0];
        Assert.Equal(xorbStart + 1, fetch.GetProperty("chunks").GetProperty("start").GetInt64());
        Assert.Equal(xorbStart + 3, fetch.GetProperty("chunks").GetProperty("end").GetInt64());

        (_, JsonElement boundary) = await ReconstructionAsync($"bytes={chunks[2].Offset}-");
        Assert.Equal(0, boundary.GetProperty("offset_into_first_range").GetInt64());
        Assert.Equal(xorbStart + 2, boundary.GetProperty("terms")[0].GetProperty("range").GetProperty("start").GetInt64());
        Assert.Equal(_file.Size - chunks[2].Offset, boundary.GetProperty("terms").EnumerateArray().Sum(t => t.GetProperty("unpacked_length").GetInt64()));
    }

    [Fact]
    public async Task With_merged_fetch_ranges_a_xorbs_adjacent_terms_share_one_signed_range_as_in_xet_cores_simulation_cas()
    {
        // xet-core's xorb_utils.rs, test_compute_ranges_merges_adjacent: terms [0, 2) and [2, 4) of one xorb → one range [0, 4).
        _hub.XetMergeFetchRanges = true;

        (_, JsonElement r) = await ReconstructionAsync();

        var terms = r.GetProperty("terms").EnumerateArray().ToList();
        Assert.True(terms.Count > terms.Select(t => t.GetProperty("hash").GetString()).Distinct().Count(), "Some xorb should hold several terms.");
        foreach (JsonProperty xorb in r.GetProperty("xorbs").EnumerateObject())
        {
            JsonElement range = Assert.Single(Assert.Single(xorb.Value.EnumerateArray()).GetProperty("ranges").EnumerateArray());
            var own = terms.Where(t => t.GetProperty("hash").GetString() == xorb.Name).Select(t => t.GetProperty("range")).ToList();
            Assert.Equal(own.Min(t => t.GetProperty("start").GetInt64()), range.GetProperty("chunks").GetProperty("start").GetInt64());
            Assert.Equal(own.Max(t => t.GetProperty("end").GetInt64()), range.GetProperty("chunks").GetProperty("end").GetInt64());
        }
    }

    [Fact]
    public async Task A_signed_xorb_url_accepts_only_its_signed_ranges()
    {
        (_, JsonElement r) = await ReconstructionAsync();
        JsonElement entry = r.GetProperty("xorbs").EnumerateObject().First().Value[0];
        string url = entry.GetProperty("url").GetString()!;
        string[] ranges = [.. entry.GetProperty("ranges").EnumerateArray().Select(x =>
            $"{x.GetProperty("bytes").GetProperty("start").GetInt64()}-{x.GetProperty("bytes").GetProperty("end").GetInt64()}")];
        Assert.True(ranges.Length > 1);

        async Task<HttpStatusCode> Get(string? range)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (range is not null) request.Headers.TryAddWithoutValidation("Range", range);
            using HttpResponseMessage response = await _client.SendAsync(request);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.PartialContent, await Get("bytes=" + string.Join(',', ranges)));
        Assert.Equal(HttpStatusCode.PartialContent, await Get("bytes=" + ranges[1]));
        Assert.Equal(HttpStatusCode.Forbidden, await Get(null));
        Assert.Equal(HttpStatusCode.Forbidden, await Get("bytes=0-10"));
        Assert.Equal(HttpStatusCode.Forbidden, await Get("bytes=" + ranges[0] + "," + ranges[0]));
        Assert.Equal(HttpStatusCode.Forbidden, await Get("bytes=" + ranges[0].Split('-')[0] + "-"));
    }

    [Fact]
    public void Chunks_are_8_to_128_KiB_except_the_last()
    {
        var chunks = _file.XetChunks!;
        Assert.True(chunks.Count > 3);
        Assert.All(chunks.SkipLast(1), c => Assert.InRange(c.Length, HubClient.Xet.XetChunker.MinChunk, HubClient.Xet.XetChunker.MaxChunk));
        Assert.Equal(_file.Size, chunks.Sum(c => (long)c.Length));
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _hub.DisposeAsync();
    }
}
