using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace HubClient.Tests.Hostile;

/// <summary>
/// Hostile or malformed hub/CDN replies on the plain-HTTP paths (not Xet) that a review found escaping the promise — a
/// typed HubException, no hang, nothing unverified published, bounded memory, no token in messages — each test failing
/// before its fix (each test's summary says how).
/// </summary>
public sealed class HostileReplyTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly ScriptedHub _hub = new();

    public void Dispose() => _temp.Dispose();

    private string Cache => _temp.Combine("hub");

    /// <summary>Runs <paramref name="action"/> and returns what it threw (null if nothing), failing the test if it does not end within <paramref name="limit"/>.</summary>
    private static async Task<Exception?> Within(TimeSpan limit, Func<Task> action)
    {
        Task task = action();
        if (await Task.WhenAny(task, Task.Delay(limit)) != task) Assert.Fail($"Still running after {limit.TotalSeconds} s: a hang.");
        try
        {
            await task;
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

#pragma warning disable CA5350 // git blob ids are SHA-1.
    private static string GitSha1(byte[] content) =>
        Convert.ToHexStringLower(SHA1.HashData([.. Encoding.ASCII.GetBytes($"blob {content.Length}\0"), .. content]));
#pragma warning restore CA5350

    /// <summary>The hub resolves main to <see cref="ScriptedHub.Commit"/> and lists <paramref name="tree"/> (JSON); resolve GETs serve <paramref name="files"/>.</summary>
    private void ServeSnapshot(string tree, params (string Path, byte[] Content)[] files)
    {
        _hub.Answer = r =>
        {
            string path = r.RequestUri!.AbsolutePath;
            if (path.StartsWith("/api/models/acme/hostile/revision/", StringComparison.Ordinal))
                return ScriptedHub.Json($$"""{"id":"acme/hostile","sha":"{{ScriptedHub.Commit}}"}""");
            if (path.StartsWith("/api/models/acme/hostile/tree/", StringComparison.Ordinal)) return ScriptedHub.Json(tree);
            string prefix = $"/acme/hostile/resolve/{ScriptedHub.Commit}/";
            if (path.StartsWith(prefix, StringComparison.Ordinal))
            {
                string repoPath = Uri.UnescapeDataString(path[prefix.Length..]);
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(files.First(f => f.Path == repoPath).Content) };
            }
            return new HttpResponseMessage(HttpStatusCode.NotFound);
        };
    }

    private static string TreeOf(params (string Path, byte[] Content)[] files) =>
        "[" + string.Join(",", files.Select(f => $$"""{"type":"file","path":"{{f.Path}}","oid":"{{GitSha1(f.Content)}}","size":{{f.Content.Length}}}""")) + "]";

    // 1 ------------------------------------------------------------------------------------------------------------
    [Fact]
    public async Task An_error_answer_whose_body_never_arrives_does_not_hang_the_download()
    {
        // The CDN answers 404 (headers only), then sends no byte of the body. The stall timeout (DownloadTimeout, 2 s here)
        // covers bodies being downloaded, but the error body is read with the caller's token only.
        _hub.Answer = r => r.RequestUri!.Host == "cdn.test"
            ? new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StreamContent(new SilentAfterStream([])) }
            : _hub.DefaultAnswer(r);
        using HubApi api = _hub.CreateApi(Cache);
        using var giveUp = new CancellationTokenSource(TimeSpan.FromSeconds(45)); // lets a hung download unwind after the test

        Exception? e = await Within(TimeSpan.FromSeconds(30), () => api.DownloadFileAsync(ScriptedHub.Repo, "model.bin", cancellationToken: giveUp.Token));

        Assert.IsAssignableFrom<HubException>(e);
    }

    // 2 ------------------------------------------------------------------------------------------------------------
    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    [InlineData("br")]
    public async Task A_Content_Encoding_the_body_does_not_have_is_a_HubException_not_a_decoder_exception(string encoding)
    {
        _hub.Answer = r =>
        {
            if (r.RequestUri!.Host != "cdn.test") return _hub.DefaultAnswer(r);
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(_hub.Content) };
            response.Content.Headers.ContentEncoding.Add(encoding); // plain bytes, labelled compressed
            return response;
        };
        using HubApi api = _hub.CreateApi(Cache);

        Exception? e = await Within(TimeSpan.FromSeconds(30), () => api.DownloadFileAsync(ScriptedHub.Repo, "model.bin"));

        // Today: System.IO.InvalidDataException (gzip, deflate) or System.InvalidOperationException (br).
        Assert.IsAssignableFrom<HubException>(e);
    }

    // 3 ------------------------------------------------------------------------------------------------------------
    [Theory]
    [InlineData("36028797018963968")] // 2^55: more 16 MiB chunks than an int counts
    [InlineData("1000000000000000000")]
    [InlineData("9223372036854775807")] // long.MaxValue
    public async Task An_absurd_X_Linked_Size_is_refused_as_a_protocol_error(string size)
    {
        _hub.Answer = r => r.RequestUri!.Host != "cdn.test" && r.Method == HttpMethod.Head ? _hub.LfsHead(size: size) : _hub.DefaultAnswer(r);
        using HubApi api = _hub.CreateApi(Cache);

        Exception? e = await Within(TimeSpan.FromSeconds(30), () => api.DownloadFileAsync(ScriptedHub.Repo, "model.bin"));

        // Today: ArgumentOutOfRangeException ("Too many chunks: use a larger chunk size.") from ChunkPlan, or for
        // long.MaxValue the internal LocalWriteException (an IOException blaming the disk) from preallocating 8 EiB.
        Assert.IsAssignableFrom<HubException>(e);
    }

    // 4 ------------------------------------------------------------------------------------------------------------
    [Fact]
    public async Task Listed_sizes_whose_sum_overflows_are_a_protocol_error_not_an_OverflowException()
    {
        string tree = """
            [{"type":"file","path":"a.bin","oid":"0123456789abcdef0123456789abcdef01234567","size":5000000000000000000},
             {"type":"file","path":"b.bin","oid":"0123456789abcdef0123456789abcdef01234567","size":5000000000000000000}]
            """;
        ServeSnapshot(tree);
        using HubApi api = _hub.CreateApi(Cache);

        // SnapshotProgressTracker sums the sizes with checked LINQ Sum before any download starts.
        Exception? download = await Within(TimeSpan.FromSeconds(30), () => api.DownloadSnapshotAsync(ScriptedHub.Repo));
        Assert.IsAssignableFrom<HubException>(download);

        // The plan comes back, then its TotalBytes property throws when read.
        Exception? plan = await Within(TimeSpan.FromSeconds(30), async () => _ = (await api.PlanSnapshotDownloadAsync(ScriptedHub.Repo)).TotalBytes);
        Assert.True(plan is null or HubException, plan?.ToString());
    }

    // 5 ------------------------------------------------------------------------------------------------------------
    public static TheoryData<string> RedirectingCalls() => new() { "head", "api", "cdn" };

    [Theory]
    [MemberData(nameof(RedirectingCalls))]
    public async Task A_Location_with_an_impossible_port_is_a_protocol_error_not_a_UriFormatException(string where)
    {
        // "//host:99999/x" parses as a relative reference; resolving it against the URL asked throws UriFormatException.
        const string location = "//evil.test:99999/x";
        _hub.Answer = r =>
        {
            bool redirectHere = where switch
            {
                "head" => r.Method == HttpMethod.Head,
                "api" => r.RequestUri!.AbsolutePath.StartsWith("/api/", StringComparison.Ordinal),
                _ => r.RequestUri!.Host == "cdn.test",
            };
            if (!redirectHere) return _hub.DefaultAnswer(r);
            var response = new HttpResponseMessage(HttpStatusCode.Found) { Content = new ByteArrayContent([]) };
            response.Headers.TryAddWithoutValidation("Location", location);
            return response;
        };
        using HubApi api = _hub.CreateApi(Cache);

        Exception? e = await Within(TimeSpan.FromSeconds(30), () => where switch
        {
            "head" => api.GetFileMetadataAsync(ScriptedHub.Repo, "model.bin"),
            "api" => api.GetRepoInfoAsync(ScriptedHub.Repo),
            _ => api.DownloadFileAsync(ScriptedHub.Repo, "model.bin"),
        });

        Assert.IsAssignableFrom<HubException>(e);
    }

    [Fact]
    public async Task A_Location_with_an_impossible_port_on_the_metadata_request_still_lets_the_cache_answer()
    {
        using HubApi api = _hub.CreateApi(Cache);
        string cached = await api.DownloadFileAsync(ScriptedHub.Repo, "model.bin");
        _hub.Answer = r =>
        {
            if (r.Method != HttpMethod.Head) return _hub.DefaultAnswer(r);
            var response = new HttpResponseMessage(HttpStatusCode.Found) { Content = new ByteArrayContent([]) };
            response.Headers.TryAddWithoutValidation("Location", "//evil.test:99999/x");
            return response;
        };

        // Any HubException (a non-hub answer, an HTTP error) lets the cached copy answer; the raw UriFormatException does not.
        Assert.Equal(cached, await api.DownloadFileAsync(ScriptedHub.Repo, "model.bin"));
    }

    // 6 ------------------------------------------------------------------------------------------------------------
    [Fact]
    public async Task A_null_ref_in_a_refs_listing_is_refused_not_handed_to_the_caller()
    {
        _hub.Answer = _ => ScriptedHub.Json("""{"branches":[null],"tags":[null],"converts":[],"pullRequests":[null]}""");
        using HubApi api = _hub.CreateApi(Cache);

        // Branches is IReadOnlyList<GitRef> (non-nullable items): today it holds a null, the caller's refs.Branches[0].Name throws NullReferenceException.
        await Assert.ThrowsAsync<HubProtocolException>(() => api.ListRepoRefsAsync(ScriptedHub.Repo));
    }

    [Fact]
    public async Task A_null_tag_in_repo_info_is_refused_not_handed_to_the_caller()
    {
        _hub.Answer = _ => ScriptedHub.Json($$"""{"id":"acme/hostile","sha":"{{ScriptedHub.Commit}}","tags":[null]}""");
        using HubApi api = _hub.CreateApi(Cache);

        await Assert.ThrowsAsync<HubProtocolException>(() => api.GetRepoInfoAsync(ScriptedHub.Repo));
    }

    // 8 ------------------------------------------------------------------------------------------------------------
    /// <summary>
    /// An error answer's body is only its message: at most 64 KB of it is read, however long it is. (Found by review: the
    /// JSON API buffered the whole body, up to HttpClient's 2 GB, before looking at the status.)
    /// </summary>
    [Fact]
    public async Task A_huge_JSON_error_body_is_not_read_whole()
    {
        var body = new CountingStream(50L * 1024 * 1024);
        _hub.Answer = _ => new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StreamContent(body) };
        using HubApi api = _hub.CreateApi(Cache);

        Exception? e = await Within(TimeSpan.FromSeconds(60), () => api.GetRepoInfoAsync(ScriptedHub.Repo));

        Assert.IsAssignableFrom<HubException>(e);
        Assert.True(body.Served <= 1024 * 1024, $"{body.Served:N0} bytes of the error body were read into memory.");
    }

    /// <summary>A success answer that says it is longer than any JSON the hub sends (256 MiB) is refused before its body is read.</summary>
    [Fact]
    public async Task A_JSON_answer_longer_than_any_the_hub_sends_is_refused_unread()
    {
        var body = new CountingStream(300L * 1024 * 1024);
        _hub.Answer = _ =>
        {
            var content = new StreamContent(body);
            content.Headers.ContentLength = 300L * 1024 * 1024;
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
        };
        using HubApi api = _hub.CreateApi(Cache);

        Exception? e = await Within(TimeSpan.FromSeconds(60), () => api.GetRepoInfoAsync(ScriptedHub.Repo));

        Assert.IsType<HubProtocolException>(e);
        Assert.Contains("256 MiB", e!.Message, StringComparison.Ordinal);
        Assert.True(body.Served < 1024 * 1024, $"{body.Served:N0} bytes were read.");
    }

    /// <summary>
    /// An etag that is the content's SHA-256 in upper case (as a mirror may send it) is checked like the hub's lowercase
    /// one: a corrupted byte is an integrity failure and nothing is published. (Found by review: it was taken for an opaque
    /// etag, checked by size only, and the corrupt bytes published.)
    /// </summary>
    [Fact]
    public async Task A_file_whose_etag_is_its_sha256_in_upper_case_is_verified()
    {
        byte[] served = (byte[])_hub.Content.Clone();
        served[100] ^= 0xFF; // the CDN corrupts one byte
        string etag = _hub.Sha256.ToUpperInvariant();
        _hub.Answer = r =>
        {
            if (r.RequestUri!.Host == "cdn.test") return new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(served) };
            return r.Method == HttpMethod.Head ? _hub.LfsHead(etag: etag) : _hub.DefaultAnswer(r);
        };
        using HubApi api = _hub.CreateApi(Cache);

        Exception? e = await Within(TimeSpan.FromSeconds(30), () => api.DownloadFileAsync(ScriptedHub.Repo, "model.bin"));

        Assert.IsType<HubIntegrityException>(e);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(Cache, "models--acme--hostile", "blobs")));

        _hub.Answer = r =>
        {
            if (r.RequestUri!.Host == "cdn.test") return new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(_hub.Content) };
            return r.Method == HttpMethod.Head ? _hub.LfsHead(etag: etag) : _hub.DefaultAnswer(r);
        };
        string path = await api.DownloadFileAsync(ScriptedHub.Repo, "model.bin");
        Assert.Equal(_hub.Content, await File.ReadAllBytesAsync(path));
        Assert.EndsWith(etag, new FileInfo(path).ResolveLinkTarget(returnFinalTarget: false)!.FullName, StringComparison.Ordinal);
    }

    /// <summary>
    /// GgufReader promises that a hostile header cannot make it allocate more than the file could hold. Arrays nested in
    /// arrays each claim the whole file's count. (Found by review: each level was preallocated from its count, and each
    /// fixed-size element boxed, so 8 levels from a 133-byte prefix allocated ~5.7x the file: ~1.5 GB at the header cap.)
    /// </summary>
    [Fact]
    public void Nested_GGUF_arrays_cannot_allocate_more_than_the_file_holds()
    {
        const long fileLength = 64L * 1024 * 1024;
        using var header = new MemoryStream();
        using (var w = new BinaryWriter(header, Encoding.UTF8, leaveOpen: true))
        {
            w.Write("GGUF"u8);
            w.Write(3u);
            w.Write(0UL); // tensors
            w.Write(1UL); // key/values
            w.Write(1UL);
            w.Write("k"u8);
            w.Write((uint)GgufValueType.Array);
            for (int level = 0; level < 7; level++)
            {
                w.Write((uint)GgufValueType.Array);
                w.Flush();
                w.Write((ulong)((fileLength - header.Position - 8) / 12));
            }
            w.Write((uint)GgufValueType.UInt64);
            w.Flush();
            w.Write((ulong)((fileLength - header.Position - 8) / 8));
        }
        byte[] prefix = header.ToArray();

        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            GgufReader.Parse(prefix, fileLength, "hostile.gguf");
        }
        catch (Exception)
        {
            // NeedMoreBytes (the reader would fetch more) or a format error: either way, what was allocated counts.
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated <= fileLength, $"{prefix.Length} header bytes made the reader allocate {allocated:N0} bytes for a file of {fileLength:N0}.");
    }

    /// <summary>
    /// A listing that names 'a' both as a file and as the folder of 'a/b.txt' is a protocol error, in the cache and in a
    /// local folder. (Found by review: a raw IOException, "already exists" or "Is a directory", from creating the entries.)
    /// </summary>
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task A_listing_with_a_file_and_a_folder_of_one_name_is_a_protocol_error(bool folderFirst, bool localDirectory)
    {
        (string, byte[]) file = ("a", "one"u8.ToArray());
        (string, byte[]) inFolder = ("a/b.txt", "two"u8.ToArray());
        (string, byte[])[] files = folderFirst ? [inFolder, file] : [file, inFolder];
        ServeSnapshot(TreeOf(files), files);
        using HubApi api = _hub.CreateApi(Cache);

        Exception? e = await Within(TimeSpan.FromSeconds(30), () => api.DownloadSnapshotAsync(ScriptedHub.Repo,
            new SnapshotDownloadOptions { MaxConcurrency = 1, LocalDirectory = localDirectory ? _temp.Combine("local") : null }));

        Assert.IsAssignableFrom<HubException>(e);
    }

    [Fact]
    public async Task A_request_id_that_echoes_the_token_does_not_put_the_token_in_the_exception()
    {
        // HubErrors redacts the token from the server's message, but quotes X-Request-Id as sent.
        _hub.Answer = r =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.Forbidden) { Content = new StringContent("") };
            response.Headers.TryAddWithoutValidation("X-Request-Id", r.Headers.Authorization?.ToString() ?? "none");
            return response;
        };
        using HubApi api = _hub.CreateApi(Cache);

        HubException e = await Assert.ThrowsAnyAsync<HubException>(() => api.GetRepoInfoAsync(ScriptedHub.Repo));

        Assert.DoesNotContain(ScriptedHub.Token, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ScriptedHub.Token, e.RequestId ?? "", StringComparison.Ordinal);
    }

}
