using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using HubClient.Tests.Inspection;

namespace HubClient.Tests.Hostile;

/// <summary>
/// Listing, pagination and remote inspection against hostile or malformed hub answers (ScriptedHub): each test
/// states the promise (typed HubException, no hang, bounded work, no wrong data reported as success).
/// </summary>
public sealed class HostileListingAndInspectionTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly ScriptedHub _hub = new();

    public void Dispose() => _temp.Dispose();

    private string Cache => _temp.Combine("hub");

    // ---------------------------------------------------------------------------------------------------------------
    // Pagination: empty pages whose next link is always new never end the listing, not even with a limit.

    /// <summary>Every listing page is <c>[]</c> with a Link to a new cursor (never the same URL twice, so no loop is seen).</summary>
    private void ServeEndlessEmptyPages()
    {
        int requests = 0;
        _hub.Answer = r =>
        {
            if (r.Method != HttpMethod.Get || r.RequestUri!.Host != "hub.test") return new HttpResponseMessage(HttpStatusCode.NotFound);
            int n = Interlocked.Increment(ref requests);
            HttpResponseMessage page = ScriptedHub.Json("[]");
            page.Headers.TryAddWithoutValidation("Link", $"<{ScriptedHub.Base}{r.RequestUri.AbsolutePath}?cursor={n}>; rel=\"next\"");
            return page;
        };
    }

    private async Task<(Exception? Error, bool Ended, int Requests)> EnumerateForAtMost(TimeSpan limit, Func<CancellationToken, Task> enumerate)
    {
        using var stop = new CancellationTokenSource();
        Task task = Task.Run(() => enumerate(stop.Token)); // the scripted hub answers synchronously: keep the loop off this thread
        bool ended = await Task.WhenAny(task, Task.Delay(limit)) == task;
        int requests = _hub.Log.Count;
        if (!ended) stop.Cancel();
        try
        {
            await task;
            return (null, ended, requests);
        }
        catch (Exception e)
        {
            return (e, ended, requests);
        }
    }

    [Fact]
    public async Task A_limited_search_answered_with_endless_empty_pages_ends_instead_of_requesting_forever()
    {
        ServeEndlessEmptyPages();
        using HubApi api = _hub.CreateApi(Cache);

        (Exception? error, bool ended, int requests) = await EnumerateForAtMost(TimeSpan.FromSeconds(10), async ct =>
        {
            await foreach (ModelInfo _ in api.ListModelsAsync(new ModelSearch { Limit = 3 }, ct)) { }
        });

        Assert.True(ended, $"ListModelsAsync(Limit = 3) was still requesting pages after 10 s: {requests} requests for empty pages.");
        Assert.IsAssignableFrom<HubException>(error);
    }

    [Fact]
    public async Task A_file_listing_answered_with_endless_empty_pages_ends_instead_of_requesting_forever()
    {
        ServeEndlessEmptyPages();
        using HubApi api = _hub.CreateApi(Cache);

        (Exception? error, bool ended, int requests) = await EnumerateForAtMost(TimeSpan.FromSeconds(10), async ct =>
        {
            await api.ListRepoFilesAsync(ScriptedHub.Repo, cancellationToken: ct).ToListAsync(ct);
        });

        Assert.True(ended, $"ListRepoFilesAsync was still requesting pages after 10 s: {requests} requests for empty pages.");
        Assert.IsAssignableFrom<HubException>(error);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Safetensors: JSON text with invalid UTF-8.

    /// <summary>A safetensors file whose header JSON is <paramref name="json"/> (bytes as given), then <paramref name="data"/> zero bytes.</summary>
    private static byte[] Safetensors(byte[] json, int data)
    {
        byte[] file = new byte[8 + json.Length + data];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)json.Length);
        json.CopyTo(file, 8);
        return file;
    }

    /// <summary>UTF-8 of <paramref name="before"/>, the invalid byte 0xFF, then UTF-8 of <paramref name="after"/>.</summary>
    private static byte[] WithInvalidUtf8(string before, string after) =>
        [.. Encoding.UTF8.GetBytes(before), 0xFF, .. Encoding.UTF8.GetBytes(after)];

    public static TheoryData<string, byte[]> InvalidUtf8Headers() => new()
    {
        { "tensor name", WithInvalidUtf8("{\"w", "\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}") },
        { "dtype", WithInvalidUtf8("{\"w\":{\"dtype\":\"F", "\",\"shape\":[1],\"data_offsets\":[0,4]}}") },
        { "__metadata__ value", WithInvalidUtf8("{\"__metadata__\":{\"format\":\"p", "\"},\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}") },
    };

    [Theory]
    [MemberData(nameof(InvalidUtf8Headers))]
    public async Task A_safetensors_header_with_invalid_UTF8_is_a_format_error_not_an_InvalidOperationException(string where, byte[] json)
    {
        _hub.Content = Safetensors(json, data: 4);
        using HubApi api = _hub.CreateApi(Cache);

        Exception? e = await Record.ExceptionAsync(() => api.GetSafetensorsFileMetadataAsync(ScriptedHub.Repo, "model.safetensors"));

        Assert.True(e is HubFileFormatException, $"invalid UTF-8 in the {where}: {e?.GetType().FullName}: {e?.Message}");
    }

    [Fact]
    public async Task A_safetensors_index_with_invalid_UTF8_is_a_format_error_not_an_InvalidOperationException()
    {
        byte[] index = WithInvalidUtf8("{\"metadata\":{\"total_size\":4},\"weight_map\":{\"w\":\"model-0000", ".safetensors\"}}");
        _hub.Content = index;
        _hub.Answer = r =>
        {
            if (r.RequestUri!.Host == "cdn.test") return _hub.CdnGet(r);
            if (r.Method == HttpMethod.Head && r.RequestUri.AbsolutePath.EndsWith("/model.safetensors.index.json", StringComparison.Ordinal)) return _hub.LfsHead();
            var missing = new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new ByteArrayContent([]) };
            missing.Headers.TryAddWithoutValidation("X-Error-Code", "EntryNotFound");
            return missing;
        };
        using HubApi api = _hub.CreateApi(Cache);

        Exception? e = await Record.ExceptionAsync(() => api.GetSafetensorsMetadataAsync(ScriptedHub.Repo));

        Assert.True(e is HubFileFormatException, $"{e?.GetType().FullName}: {e?.Message}");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Safetensors: tensor entries whose byte ranges contradict dtype x shape, or overlap.

    public static TheoryData<string, string, int> InconsistentTensors() => new()
    {
        // 10^12 F32 elements claimed in 4 bytes of data: reported as a 1-trillion-parameter checkpoint.
        { "shape far larger than its bytes", """{"w":{"dtype":"F32","shape":[1000000,1000000],"data_offsets":[0,4]}}""", 4 },
        // Two tensors claim the same 4 bytes.
        { "overlapping tensors", """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 4 },
    };

    [Theory]
    [MemberData(nameof(InconsistentTensors))]
    public async Task A_safetensors_header_whose_tensor_ranges_contradict_their_shapes_is_a_format_error(string why, string json, int data)
    {
        _hub.Content = Safetensors(Encoding.UTF8.GetBytes(json), data);
        using HubApi api = _hub.CreateApi(Cache);

        Exception? e = await Record.ExceptionAsync(() => api.GetSafetensorsFileMetadataAsync(ScriptedHub.Repo, "model.safetensors"));

        Assert.True(e is HubFileFormatException, $"{why}: accepted as success{(e is null ? "" : $" ({e.GetType().Name}: {e.Message})")}.");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // GGUF.

    [Fact]
    public async Task A_GGUF_general_alignment_of_the_wrong_type_is_not_silently_replaced_by_32()
    {
        // general.alignment must be a UINT32 (gguf.md; llama.cpp aborts on any other type). Here it is a UINT64 of 64.
        byte[] file = new GgufWriter(alignment: 64)
            .Add("general.architecture", GgufValueType.String, "llama")
            .Add("general.alignment", GgufValueType.UInt64, 64UL)
            .Tensor("t", [16], GgmlType.F32, dataBytes: 64)
            .Build();
        _hub.Content = file;
        using HubApi api = _hub.CreateApi(Cache);

        Exception? e = await Record.ExceptionAsync(async () =>
        {
            GgufMetadata gguf = await api.GetGgufMetadataAsync(ScriptedHub.Repo, "model.gguf");
            Assert.True(gguf.DataOffset % 64 == 0 && gguf.Alignment == 64,
                $"reported as success with Alignment {gguf.Alignment} and DataOffset {gguf.DataOffset} (HeaderSize {gguf.HeaderSize}) while the file aligns to 64");
        });

        Assert.True(e is HubFileFormatException, e?.Message);
    }

    public static TheoryData<string, byte[]> BadTensorInfos()
    {
        byte[] duplicate = new GgufWriter().Tensor("blk.0.w", [8], GgmlType.F32, 32).Tensor("blk.0.w", [8], GgmlType.F32, 32).Build();
        byte[] pastTheEnd = new GgufWriter().Tensor("t", [8], GgmlType.F32, 32).Build();
        // The tensor info's offset is the last 8 bytes before the padding: name (8 + 1), n_dims (4), dims (8), type (4), offset (8).
        int offsetAt = 24 + 8 + 1 + 4 + 8 + 4;
        GgufWriter.Patch(pastTheEnd, offsetAt, 1UL << 40); // 1 TiB into a file of a few hundred bytes
        return new()
        {
            { "two tensors of one name", duplicate },
            { "tensor data 1 TiB past the end of the file", pastTheEnd },
        };
    }

    [Theory]
    [MemberData(nameof(BadTensorInfos))]
    public async Task GGUF_tensor_infos_the_file_cannot_hold_are_a_format_error(string why, byte[] file)
    {
        _hub.Content = file;
        using HubApi api = _hub.CreateApi(Cache);

        Exception? e = await Record.ExceptionAsync(() => api.GetGgufMetadataAsync(ScriptedHub.Repo, "model.gguf"));

        Assert.True(e is HubFileFormatException, $"{why}: accepted as success{(e is null ? "" : $" ({e.GetType().Name}: {e.Message})")}.");
    }

    [Fact]
    public async Task A_GGUF_string_longer_than_the_header_cap_is_refused_before_256_MiB_are_fetched()
    {
        // A 10 GB file whose first key claims 4 GB: no header may exceed 256 MiB, so this is known to be refused from the
        // first 40 bytes, yet today the reader first fetches 256 MiB of it.
        const long FileSize = 10_000_000_000;
        byte[] head = new byte[40];
        "GGUF"u8.CopyTo(head);
        BinaryPrimitives.WriteUInt32LittleEndian(head.AsSpan(4), 3);
        BinaryPrimitives.WriteUInt64LittleEndian(head.AsSpan(8), 0);               // tensors
        BinaryPrimitives.WriteUInt64LittleEndian(head.AsSpan(16), 1);              // key/values
        BinaryPrimitives.WriteUInt64LittleEndian(head.AsSpan(24), 4_000_000_000);  // key length
        long served = 0;
        _hub.Answer = r =>
        {
            if (r.RequestUri!.Host != "cdn.test") return r.Method == HttpMethod.Head ? _hub.LfsHead(size: FileSize.ToString(System.Globalization.CultureInfo.InvariantCulture)) : new HttpResponseMessage(HttpStatusCode.NotFound);
            RangeItemHeaderValue range = r.Headers.Range!.Ranges.Single();
            long from = range.From!.Value, to = Math.Min(range.To!.Value, FileSize - 1);
            byte[] body = new byte[to - from + 1];
            for (long i = from; i < Math.Min(head.Length, to + 1); i++) body[i - from] = head[i];
            Interlocked.Add(ref served, body.Length);
            var response = new HttpResponseMessage(HttpStatusCode.PartialContent) { Content = new ByteArrayContent(body) };
            response.Content.Headers.ContentRange = new ContentRangeHeaderValue(from, to, FileSize);
            return response;
        };
        using HubApi api = _hub.CreateApi(Cache, o => o.DownloadTimeout = TimeSpan.FromSeconds(30));

        Exception? e = await Record.ExceptionAsync(() => api.GetGgufMetadataAsync(ScriptedHub.Repo, "model.gguf"));

        Assert.IsType<HubFileFormatException>(e);
        Assert.True(served <= 2 * GgufReader.InitialReadSize, $"{served:N0} bytes fetched to refuse a header whose 40th byte already exceeds the cap ({e!.Message})");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Invalid UTF-8 in a listing page, Link headers that leave the endpoint (held before the review; kept as checks).

    [Fact]
    public async Task invalid_UTF8_in_a_listed_model_id_is_a_protocol_error()
    {
        _hub.Answer = r => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new ByteArrayContent(WithInvalidUtf8("[{\"id\":\"acme/", "x\"}]")) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        using HubApi api = _hub.CreateApi(Cache);

        await Assert.ThrowsAsync<HubProtocolException>(async () => await api.ListModelsAsync().ToListAsync());
    }

    [Theory]
    [InlineData("<https://evil.test/api/models?cursor=1>; rel=\"next\"")]
    [InlineData("<http://hub.test/api/models?cursor=1>; rel=\"next\"")]
    [InlineData("<//evil.test/api/models?cursor=1>; rel=\"next\"")]
    [InlineData("<https://hub.test:8443/api/models?cursor=1>; rel=\"next\"")]
    public async Task next_links_off_the_endpoint_are_refused_and_get_no_token(string link)
    {
        _hub.Answer = r =>
        {
            HttpResponseMessage page = ScriptedHub.Json("[{\"id\":\"acme/a\"}]");
            page.Headers.TryAddWithoutValidation("Link", link);
            return page;
        };
        using HubApi api = _hub.CreateApi(Cache);

        await Assert.ThrowsAsync<HubProtocolException>(async () => await api.ListModelsAsync().ToListAsync());
        Assert.Single(_hub.Log);
    }
}
