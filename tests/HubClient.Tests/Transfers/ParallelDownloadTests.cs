using System.Globalization;
using System.IO.Hashing;

namespace HubClient.Tests.Transfers;

/// <summary>Large files in parallel ranges: 1 MiB in 16 chunks of 64 KiB over 4 connections.</summary>
public sealed class ParallelDownloadTests : IAsyncLifetime
{
    private const string Repo = "acme/big-model";
    private const string File1 = "model.safetensors";
    private const int Chunk = 64 * 1024;
    private const int Chunks = 16;
    private static readonly byte[] Weights = Bytes.Random(Chunks * Chunk, seed: 7);
    private static readonly string Sha = Bytes.Sha256(Weights);
    private readonly HubFixture _f = new(Configure);
    private FakeCommit _commit = null!;

    public Task InitializeAsync()
    {
        _commit = _f.Hub.AddRepo(Repo).Commit(c => c.AddLfs(File1, Weights).Add("config.json", "{}"));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    internal static void Configure(HubApiOptions o) => o.Transfer = new TransferOptions
    {
        ParallelThreshold = 256 * 1024,
        ChunkSize = Chunk,
        MaxConnections = 4,
        BufferSize = 16 * 1024,
    };

    private string Blobs => Path.Combine(_f.RepoDir("models--acme--big-model"), "blobs");

    private string DataPath => Path.Combine(Blobs, Sha + ".chunked.incomplete");

    private string StatePath => Path.Combine(Blobs, Sha + ".chunks.incomplete");

    private FakeHubRequest[] CdnGets => _f.Hub.Requests.Where(r => r.IsCdn && r.Method == "GET").ToArray();

    [Fact]
    public async Task Large_file_arrives_as_chunk_ranges_verified_with_nothing_left_behind()
    {
        string path = await _f.Api.DownloadFileAsync(Repo, File1);

        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        FakeHubRequest[] gets = CdnGets;
        Assert.Equal(Enumerable.Range(0, Chunks).Select(RangeOf).Order(), gets.Select(r => r.Range).Order());
        Assert.All(gets, r => Assert.Equal(206, r.StatusCode));
        // The first range goes alone; every later one carries the validator it returned.
        Assert.False(gets[0].Headers.ContainsKey("If-Match"));
        Assert.All(gets[1..], r => Assert.Equal("\"" + Sha + "\"", r.Headers["If-Match"]));
        Assert.Single(_f.Hub.Requests, r => r.Method == "HEAD");
        Assert.Equal([Sha], Directory.GetFiles(Blobs).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Small_file_below_the_threshold_stays_one_stream()
    {
        await _f.Api.DownloadFileAsync(Repo, "config.json");

        FakeHubRequest get = Assert.Single(_f.Hub.Requests, r => r.Method == "GET");
        Assert.Null(get.Range);
    }

    [Fact]
    public async Task A_failing_range_is_retried_while_the_others_carry_on()
    {
        _f.Hub.InjectFault(FakeFault.DropAfter(10_000), r => r.IsCdn && r.Range == RangeOf(5));
        _f.Hub.InjectFault(FakeFault.Status(503), r => r.IsCdn && r.Range == RangeOf(9));

        string path = await _f.Api.DownloadFileAsync(Repo, File1);

        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        FakeHubRequest[] gets = CdnGets;
        Assert.Equal(Chunks + 2, gets.Length);
        Assert.Equal(2, gets.Count(r => RangeEnd(r) == (6L * Chunk) - 1));
        Assert.Equal([503, 206], gets.Where(r => r.Range == RangeOf(9)).Select(r => r.StatusCode));
    }

    [Fact]
    public async Task A_range_that_stalls_mid_body_is_asked_again_for_the_rest_only()
    {
        var clock = new StallClock();
        using HubApi api = _f.NewClient(o =>
        {
            Configure(o);
            o.DownloadTimeout = StallClock.IdleTimeout;
            o.TimeProvider = clock;
        });
        _f.Hub.InjectFault(FakeFault.Stall(10_000, TimeSpan.FromMinutes(5)), r => r.IsCdn && r.Range == RangeOf(5));

        string path = await clock.RunAsync(_f.Hub, api.DownloadFileAsync(Repo, File1));

        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        Assert.Equal(1, clock.Stalls);
        FakeHubRequest[] retries = [.. CdnGets.Where(r => RangeEnd(r) == (6L * Chunk) - 1 && r.Range != RangeOf(5))];
        Assert.Equal([(5L * Chunk) + 10_000], retries.Select(RangeStart));
    }

    /// <summary>
    /// Starts the download and cancels it once half the bytes and one chunk's worth more are in (a quarter of a chunk for
    /// each of the four connections on the second half); returns what the sidecar then says: the complete chunks and the
    /// first bytes of those in flight.
    /// </summary>
    private async Task<ChunkState> CancelHalfwayAsync()
    {
        using var cts = new CancellationTokenSource();
        var progress = new SynchronousProgress<DownloadProgress>(p =>
        {
            if (p.BytesDownloaded >= (Weights.Length / 2) + Chunk) cts.Cancel();
        });
        // Slow the second half down so the cancellation lands while it is in flight.
        _f.Hub.InjectFault(FakeFault.Drip(4096, TimeSpan.FromMilliseconds(5)), r => r.IsCdn && RangeStart(r) >= Weights.Length / 2, times: null);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            _f.Api.DownloadFileAsync(Repo, File1, new DownloadFileOptions { Progress = progress }, cts.Token));
        _f.Hub.ClearFaults();
        ChunkState state = ReadState();
        Assert.NotEmpty(CompleteChunks(state));
        Assert.True(CompleteChunks(state).Length < Chunks, "the cancellation came too late to test anything");
        return state;
    }

    private static int[] CompleteChunks(ChunkState state) => Enumerable.Range(0, Chunks).Where(state.IsComplete).ToArray();

    /// <summary>The ranges a resume must ask for: the rest of each partial chunk, every other missing chunk whole.</summary>
    private static IEnumerable<string> RestOf(ChunkState state) =>
        Enumerable.Range(0, Chunks).Where(i => !state.IsComplete(i)).Select(i => string.Create(CultureInfo.InvariantCulture,
            $"bytes={((long)i * Chunk) + (state.Partial(i)?.Length ?? 0)}-{((long)(i + 1) * Chunk) - 1}"));

    [Fact]
    public async Task Cancelled_mid_download_then_called_again_fetches_only_the_bytes_not_yet_written()
    {
        ChunkState state = await CancelHalfwayAsync();

        // The chunks in flight kept what they had written: every connection was part-way through a dripping range.
        int[] partial = Enumerable.Range(0, Chunks).Where(i => state.Partial(i) is not null).ToArray();
        Assert.NotEmpty(partial);
        foreach (int i in partial)
        {
            PartialChunk p = state.Partial(i)!.Value;
            Assert.Equal(XxHash3.HashToUInt64(Weights.AsSpan(i * Chunk, (int)p.Length)), p.Checksum);
        }
        Assert.False(File.Exists(Path.Combine(Blobs, Sha)));
        _f.Hub.ClearRequests();

        string path = await _f.Api.DownloadFileAsync(Repo, File1);

        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        Assert.Equal(RestOf(state).Order(), CdnGets.Select(r => r.Range).Order());
        Assert.False(File.Exists(DataPath));
        Assert.False(File.Exists(StatePath));
    }

    [Fact]
    public async Task Chunk_of_a_cancelled_run_damaged_on_disk_is_fetched_again_with_the_missing_ones()
    {
        ChunkState state = await CancelHalfwayAsync();
        int damaged = CompleteChunks(state)[0];
        using (FileStream partial = File.OpenWrite(DataPath))
        {
            partial.Position = ((long)damaged * Chunk) + 123;
            partial.WriteByte(0x42);
        }
        _f.Hub.ClearRequests();

        string path = await _f.Api.DownloadFileAsync(Repo, File1);

        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        Assert.Equal(RestOf(state).Append(RangeOf(damaged)).Order(), CdnGets.Select(r => r.Range).Order());
    }

    [Fact]
    public async Task Partial_chunk_whose_first_bytes_were_damaged_on_disk_is_fetched_whole()
    {
        ChunkState state = await CancelHalfwayAsync();
        int damaged = Enumerable.Range(0, Chunks).First(i => state.Partial(i) is not null);
        using (FileStream partial = File.OpenWrite(DataPath))
        {
            partial.Position = (long)damaged * Chunk;
            partial.WriteByte((byte)(Weights[damaged * Chunk] ^ 0x01));
        }
        _f.Hub.ClearRequests();

        string path = await _f.Api.DownloadFileAsync(Repo, File1);

        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        string[] expected = [.. RestOf(state).Where(r => !r.EndsWith(string.Create(CultureInfo.InvariantCulture, $"-{((long)(damaged + 1) * Chunk) - 1}"), StringComparison.Ordinal)), RangeOf(damaged)];
        Assert.Equal(expected.Order(), CdnGets.Select(r => r.Range).Order());
    }

    [Fact]
    public async Task Large_file_into_a_local_directory_goes_in_parallel_ranges_too()
    {
        string dir = _f.Temp.Combine("local");

        string path = await _f.Api.DownloadFileAsync(Repo, File1, new DownloadFileOptions { LocalDirectory = dir });

        Assert.Equal(Path.Combine(dir, File1), path);
        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        Assert.Equal(Chunks, CdnGets.Length);
        Assert.DoesNotContain(Directory.GetFiles(dir), f => f.EndsWith(".incomplete", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_chunk_damaged_on_disk_between_runs_is_fetched_again()
    {
        // An earlier run finished chunks 0-9; then a byte of chunk 3 rotted on disk.
        WritePartial(completed: Enumerable.Range(0, 10), damage: 3);

        string path = await _f.Api.DownloadFileAsync(Repo, File1);

        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        string?[] expected = new[] { 3 }.Concat(Enumerable.Range(10, 6)).Select(RangeOf).Order().ToArray();
        Assert.Equal(expected, CdnGets.Select(r => r.Range).Order());
        Assert.Equal([Sha], Directory.GetFiles(Blobs).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Damaged_last_recorded_chunk_far_from_the_start_is_fetched_again()
    {
        // The hash restarts from byte 0 after the damaged chunk; connections must not wait for it forever.
        WritePartial(completed: Enumerable.Range(0, 12), damage: 11);

        string path = await _f.Api.DownloadFileAsync(Repo, File1).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        Assert.Equal(Enumerable.Range(11, 5).Select(RangeOf).Order(), CdnGets.Select(r => r.Range).Order());
    }

    [Fact]
    public async Task Resume_whose_chunks_checksum_but_whole_file_fails_its_hash_starts_over_once()
    {
        // The sidecar's checksums describe the bytes on disk, but those bytes were wrong when they arrived.
        byte[] wrong = (byte[])Weights.Clone();
        wrong[100] ^= 0xFF;
        WritePartial(completed: Enumerable.Range(0, 4), content: wrong);

        string path = await _f.Api.DownloadFileAsync(Repo, File1);

        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        string?[] firstPass = Enumerable.Range(4, 12).Select(RangeOf).ToArray();
        string?[] secondPass = Enumerable.Range(0, 16).Select(RangeOf).ToArray();
        Assert.Equal(firstPass.Concat(secondPass).Order(), CdnGets.Select(r => r.Range).Order());
    }

    [Fact]
    public async Task Validator_remembered_from_an_earlier_run_that_no_longer_matches_is_dropped_not_fatal()
    {
        WritePartial(completed: Enumerable.Range(0, 8), validator: "\"from-another-cdn\"");

        string path = await _f.Api.DownloadFileAsync(Repo, File1);

        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        FakeHubRequest[] gets = CdnGets;
        Assert.Equal(412, gets[0].StatusCode);
        Assert.Equal("\"from-another-cdn\"", gets[0].Headers["If-Match"]);
        Assert.Equal(Enumerable.Range(8, 8).Select(RangeOf).Order(), gets.Where(r => r.StatusCode == 206).Select(r => r.Range).Order());
    }

    [Fact]
    public async Task File_changing_mid_download_aborts_cleanly_with_nothing_published()
    {
        byte[] changed = Bytes.Random(Weights.Length, seed: 99);
        _f.Hub.InjectFault(FakeFault.ReplaceContent(changed), r => r.IsCdn && RangeStart(r) > 0, times: null);

        var e = await Assert.ThrowsAsync<HubFileChangedException>(() => _f.Api.DownloadFileAsync(Repo, File1));

        Assert.Equal(File1, e.Path);
        AssertNothingCached();
    }

    [Fact]
    public async Task Precondition_failed_on_a_later_range_aborts_cleanly()
    {
        _f.Hub.InjectFault(FakeFault.Status(412), r => r.IsCdn && r.Range == RangeOf(7));

        await Assert.ThrowsAsync<HubFileChangedException>(() => _f.Api.DownloadFileAsync(Repo, File1));

        AssertNothingCached();
    }

    [Fact]
    public async Task File_changing_size_mid_download_aborts_cleanly()
    {
        _f.Hub.InjectFault(FakeFault.ReplaceContent(Bytes.Random(Weights.Length * 2, seed: 5)), r => r.IsCdn && RangeStart(r) > 0, times: null);

        await Assert.ThrowsAsync<HubFileChangedException>(() => _f.Api.DownloadFileAsync(Repo, File1));

        AssertNothingCached();
    }

    [Fact]
    public async Task Corrupted_range_fails_the_sha256_and_leaves_nothing_in_blobs()
    {
        _f.Hub.InjectFault(FakeFault.CorruptByte((11L * Chunk) + 17), r => r.IsCdn && r.Range == RangeOf(11));

        var e = await Assert.ThrowsAsync<HubIntegrityException>(() => _f.Api.DownloadFileAsync(Repo, File1));

        Assert.Equal(Sha, e.Expected);
        AssertNothingCached();
    }

    [Fact]
    public async Task Range_redirected_to_a_location_that_is_not_http_throws_a_protocol_error()
    {
        _f.Hub.InjectFault(FakeFault.Redirect("ftp://files.example.com/model.safetensors"), r => r.IsCdn && r.Range == RangeOf(3));

        var e = await Assert.ThrowsAsync<HubProtocolException>(() => _f.Api.DownloadFileAsync(Repo, File1));

        Assert.Contains("'ftp'", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Blobs, Sha)));
    }

    [Fact]
    public async Task Server_that_ignores_Range_gets_one_stream_instead()
    {
        _f.Hub.InjectFault(FakeFault.IgnoreRange(), r => r.IsCdn, times: null);

        string path = await _f.Api.DownloadFileAsync(Repo, File1);

        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        Assert.Equal([RangeOf(0) + " 200", "none 200"], CdnGets.Select(r => $"{r.Range ?? "none"} {r.StatusCode}"));
        Assert.Equal([Sha], Directory.GetFiles(Blobs).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Expired_cdn_url_is_resolved_again_once_and_the_download_continues()
    {
        _f.Hub.InjectFault(FakeFault.Status(403), r => r.IsCdn && r.Range == RangeOf(6));

        string path = await _f.Api.DownloadFileAsync(Repo, File1);

        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        Assert.Equal(2, _f.Hub.Requests.Count(r => r.Method == "HEAD"));
        Assert.Equal([403, 206], CdnGets.Where(r => r.Range == RangeOf(6)).Select(r => r.StatusCode));
    }

    [Fact]
    public async Task Progress_from_all_connections_adds_up_monotonically_to_the_total()
    {
        var reports = new List<DownloadProgress>();
        var progress = new SynchronousProgress<DownloadProgress>(reports.Add);

        await _f.Api.DownloadFileAsync(Repo, File1, new DownloadFileOptions { Progress = progress });

        Assert.Equal(Weights.Length, reports[^1].BytesDownloaded);
        Assert.All(reports, r => Assert.Equal(Weights.Length, r.TotalBytes));
        Assert.True(reports.Select(r => r.BytesDownloaded).SequenceEqual(reports.Select(r => r.BytesDownloaded).Order()));
    }

    [Fact]
    public async Task Two_concurrent_callers_produce_one_intact_blob_with_each_chunk_fetched_once()
    {
        using HubApi other = _f.NewClient(Configure);
        using var held = new HeldDownload();
        Task<string> first = _f.Api.DownloadFileAsync(Repo, File1, new DownloadFileOptions { Progress = held });
        await held.Held;
        Task<string> second = other.DownloadFileAsync(Repo, File1);
        await HeldDownload.WaitUntilAsync(() => _f.Hub.Requests.Count(r => r.Method == "HEAD" && RequestFilters.Metadata(File1)(r)) == 2, "the second caller's HEAD");
        held.Release();
        string[] paths = await Task.WhenAll(first, second);

        Assert.Equal(paths[0], paths[1]);
        Assert.Equal(Weights, await File.ReadAllBytesAsync(paths[0]));
        Assert.Equal([Sha], Directory.GetFiles(Blobs).Select(Path.GetFileName));
        Assert.Equal(Enumerable.Range(0, Chunks).Select(RangeOf).Order(), CdnGets.Select(r => r.Range).Order());
    }

    [Fact]
    public void Sidecar_round_trips_and_rejects_another_download()
    {
        var plan = new ChunkPlan(Weights.Length, Chunk);
        var state = new ChunkState(Sha, plan) { Validator = "\"v\"" };
        state.MarkComplete(2, 0xDEADBEEF);
        state.MarkComplete(15, ulong.MaxValue);
        byte[] json = state.Serialize().Json;

        ChunkState back = ChunkState.Deserialize(json, Sha, plan)!;
        Assert.Equal("\"v\"", back.Validator);
        Assert.Equal([2, 15], Enumerable.Range(0, Chunks).Where(back.IsComplete));
        Assert.Equal(ulong.MaxValue, back.Checksum(15));
        Assert.Null(ChunkState.Deserialize(json, Sha, new ChunkPlan(Weights.Length, Chunk * 2)));
        Assert.Null(ChunkState.Deserialize(json, new string('0', 64), plan));
        Assert.Null(ChunkState.Deserialize(json.AsSpan(0, json.Length / 2), Sha, plan));
    }

    [Fact]
    public void Sidecar_keeps_the_first_bytes_of_unfinished_chunks_and_rejects_impossible_ones()
    {
        var plan = new ChunkPlan(Weights.Length, Chunk);
        var state = new ChunkState(Sha, plan);
        state.MarkComplete(0, 1);
        state.MarkPartial(3, 1000, 0xABCDEF);
        state.MarkPartial(4, Chunk, 7); // all of it: complete
        state.MarkPartial(5, 10, 9);
        state.MarkPartial(5, 0, 0);     // none of it: forgotten

        ChunkState back = ChunkState.Deserialize(state.Serialize().Json, Sha, plan)!;
        Assert.Equal([0, 4], Enumerable.Range(0, Chunks).Where(back.IsComplete));
        Assert.Equal(new PartialChunk(1000, 0xABCDEF), back.Partial(3));
        Assert.Equal([3], Enumerable.Range(0, Chunks).Where(i => back.Partial(i) is not null));
        back.MarkMissing(3);
        Assert.Null(back.Partial(3));

        string Sidecar(string partial) =>
            $"{{\"format\":\"{ChunkState.Format}\",\"etag\":\"{Sha}\",\"size\":{Weights.Length},\"chunkSize\":{Chunk},\"validator\":null,\"chunks\":[[0,\"01\"]],\"partial\":[{partial}]}}";
        Assert.NotNull(ChunkState.Deserialize(System.Text.Encoding.UTF8.GetBytes(Sidecar("[2,5,\"0a\"]")), Sha, plan));
        Assert.Null(ChunkState.Deserialize(System.Text.Encoding.UTF8.GetBytes(Sidecar($"[2,{Chunk},\"0a\"]")), Sha, plan)); // as long as the chunk
        Assert.Null(ChunkState.Deserialize(System.Text.Encoding.UTF8.GetBytes(Sidecar("[2,0,\"0a\"]")), Sha, plan));
        Assert.Null(ChunkState.Deserialize(System.Text.Encoding.UTF8.GetBytes(Sidecar("[2,-5,\"0a\"]")), Sha, plan));
        Assert.Null(ChunkState.Deserialize(System.Text.Encoding.UTF8.GetBytes(Sidecar($"[{Chunks},5,\"0a\"]")), Sha, plan));
        Assert.Null(ChunkState.Deserialize(System.Text.Encoding.UTF8.GetBytes(Sidecar("[0,5,\"0a\"]")), Sha, plan)); // chunk 0 is complete
    }

    /// <summary>
    /// The sidecar format as a checked-in file (<c>Transfers/TestData/sample.chunks.incomplete</c>), not as whatever the library
    /// writes today: it reads with these literal values, and a state holding them is written byte for byte as the sample.
    /// A change to the format (which would strand every partial download on users' disks) fails here.
    /// </summary>
    [Fact]
    public void Sidecar_format_matches_the_checked_in_sample()
    {
        const string Etag = "6a9ccd3dbdc5e8e7b4c8a2d2f0e1b3a4c5d6e7f8091a2b3c4d5e6f708192a3b4";
        byte[] sample = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Transfers", "TestData", "sample.chunks.incomplete"));
        var plan = new ChunkPlan(1_000_000, 262_144);

        ChunkState read = ChunkState.Deserialize(sample, Etag, plan) ?? throw new InvalidOperationException("The sample did not load.");
        Assert.Equal("\"v1-strong\"", read.Validator);
        Assert.Equal([0, 2, 3], Enumerable.Range(0, 4).Where(read.IsComplete));
        Assert.Equal(0x0123456789ABCDEFUL, read.Checksum(0));
        Assert.Equal(ulong.MaxValue, read.Checksum(2));
        Assert.Equal(1UL, read.Checksum(3));

        var written = new ChunkState(Etag, plan) { Validator = "\"v1-strong\"" };
        written.MarkComplete(3, 1);
        written.MarkComplete(0, 0x0123456789ABCDEFUL);
        written.MarkComplete(2, ulong.MaxValue);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(sample), System.Text.Encoding.UTF8.GetString(written.Serialize().Json));
    }

    /// <summary>The same for a sidecar that also records the first bytes of unfinished chunks (<c>sample-partial.chunks.incomplete</c>).</summary>
    [Fact]
    public void Sidecar_with_partial_chunks_matches_the_checked_in_sample()
    {
        const string Etag = "6a9ccd3dbdc5e8e7b4c8a2d2f0e1b3a4c5d6e7f8091a2b3c4d5e6f708192a3b4";
        byte[] sample = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Transfers", "TestData", "sample-partial.chunks.incomplete"));
        var plan = new ChunkPlan(1_000_000, 262_144);

        ChunkState read = ChunkState.Deserialize(sample, Etag, plan) ?? throw new InvalidOperationException("The sample did not load.");
        Assert.Equal([0], Enumerable.Range(0, 4).Where(read.IsComplete));
        Assert.Equal(new PartialChunk(100_000, 0xFF), read.Partial(1));
        Assert.Null(read.Partial(2));
        Assert.Equal(new PartialChunk(1, 0x8000000000000000UL), read.Partial(3));

        var written = new ChunkState(Etag, plan) { Validator = "\"v1-strong\"" };
        written.MarkPartial(3, 1, 0x8000000000000000UL);
        written.MarkComplete(0, 0x0123456789ABCDEFUL);
        written.MarkPartial(1, 100_000, 0xFF);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(sample), System.Text.Encoding.UTF8.GetString(written.Serialize().Json));
    }

    private void AssertNothingCached()
    {
        Assert.Empty(Directory.Exists(Blobs) ? Directory.GetFiles(Blobs) : []);
        Assert.False(File.Exists(Path.Combine(_f.RepoDir("models--acme--big-model"), "snapshots", _commit.Sha, File1)));
    }

    private ChunkState ReadState() =>
        ChunkState.Deserialize(File.ReadAllBytes(StatePath), Sha, new ChunkPlan(Weights.Length, Chunk))
        ?? throw new InvalidOperationException("No readable chunk state.");

    /// <summary>Leaves what an interrupted run would: the partial with some chunks written, and their sidecar.</summary>
    private void WritePartial(IEnumerable<int> completed, int? damage = null, byte[]? content = null, string? validator = null)
    {
        content ??= Weights;
        var plan = new ChunkPlan(Weights.Length, Chunk);
        var state = new ChunkState(Sha, plan) { Validator = validator };
        byte[] data = new byte[Weights.Length];
        foreach (int i in completed)
        {
            Array.Copy(content, i * Chunk, data, i * Chunk, Chunk);
            state.MarkComplete(i, XxHash3.HashToUInt64(data.AsSpan(i * Chunk, Chunk)));
        }
        if (damage is { } d) data[(d * Chunk) + 1000] ^= 0x55;
        Directory.CreateDirectory(Blobs);
        File.WriteAllBytes(DataPath, data);
        File.WriteAllBytes(StatePath, state.Serialize().Json);
    }

    private static string RangeOf(int chunk) =>
        string.Create(CultureInfo.InvariantCulture, $"bytes={(long)chunk * Chunk}-{((long)(chunk + 1) * Chunk) - 1}");

    private static long RangeStart(FakeHubRequest r) =>
        r.Range is { } range ? long.Parse(range["bytes=".Length..range.IndexOf('-', StringComparison.Ordinal)], CultureInfo.InvariantCulture) : -1;

    private static long RangeEnd(FakeHubRequest r) =>
        r.Range is { } range ? long.Parse(range[(range.IndexOf('-', StringComparison.Ordinal) + 1)..], CultureInfo.InvariantCulture) : -1;

    private async Task CancelAfterAsync(long bytes)
    {
        using var cts = new CancellationTokenSource();
        var progress = new SynchronousProgress<DownloadProgress>(p =>
        {
            if (p.BytesDownloaded >= bytes) cts.Cancel();
        });
        _f.Hub.InjectFault(FakeFault.Drip(4096, TimeSpan.FromMilliseconds(5)), r => r.IsCdn, times: null);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            _f.Api.DownloadFileAsync(Repo, File1, new DownloadFileOptions { Progress = progress }, cts.Token));
        _f.Hub.ClearFaults();
    }

    private static long BytesHeld(ChunkState state) =>
        Enumerable.Range(0, Chunks).Sum(i => state.IsComplete(i) ? Chunk : state.Partial(i)?.Length ?? 0);

    private static void AssertChecksumsMatchTheContent(ChunkState state)
    {
        for (int i = 0; i < Chunks; i++)
        {
            if (state.Partial(i) is { } p) Assert.Equal(XxHash3.HashToUInt64(Weights.AsSpan(i * Chunk, (int)p.Length)), p.Checksum);
            if (state.Checksum(i) is { } c) Assert.Equal(XxHash3.HashToUInt64(Weights.AsSpan(i * Chunk, Chunk)), c);
        }
    }

    /// <summary>A chunk resumed part-way and stopped again records the checksum of all its bytes, old and new.</summary>
    [Fact]
    public async Task Stopped_twice_the_unfinished_chunks_keep_true_checksums_and_the_third_run_fetches_only_the_rest()
    {
        await CancelAfterAsync(100_000);
        ChunkState first = ReadState();
        Assert.Contains(Enumerable.Range(0, Chunks), i => first.Partial(i) is not null);
        AssertChecksumsMatchTheContent(first);

        await CancelAfterAsync(BytesHeld(first) + 60_000);
        ChunkState second = ReadState();
        AssertChecksumsMatchTheContent(second);
        _f.Hub.ClearRequests();

        string path = await _f.Api.DownloadFileAsync(Repo, File1);

        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        Assert.Equal(Weights.Length - BytesHeld(second), CdnGets.Sum(r => RangeEnd(r) - RangeStart(r) + 1));
    }
}
