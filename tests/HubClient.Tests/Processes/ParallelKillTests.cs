using System.Globalization;
using System.Text.Json;

namespace HubClient.Tests.Processes;

/// <summary>
/// A parallel-range download in its own process is SIGKILLed with a known set of chunks complete, then run again. The
/// CDN holds the other chunks' requests open (a stall after a few bytes), so when the sidecar lists exactly the chunks
/// meant to be complete, the process is frozen with the others in flight: what the kill leaves is known. SIGKILL skips
/// every cleanup, so the rerun sees the partial and the sidecar as a crash leaves them, and must fetch exactly the missing
/// chunks: their ranges, and their bytes only, on the CDN.
/// </summary>
public sealed class ParallelKillTests : IAsyncLifetime
{
    private const string Repo = "acme/sharded-model";
    private const int ChunkSize = 256 * 1024;
    private const int Connections = 4;

    /// <summary>Eight chunks: seven of 262,144 bytes and a last one of 164,992.</summary>
    private const int Size = 2_000_000;

    private const int Chunks = 8;
    private static readonly byte[] Weights = Bytes.Random(Size, seed: 77);
    private readonly HubFixture _f = new();
    private FakeCommit _commit = null!;

    public Task InitializeAsync()
    {
        _commit = _f.Hub.AddRepo(Repo).Commit(c => c.AddLfs("model.bin", Weights));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    private string Blobs => Path.Combine(_f.RepoDir("models--acme--sharded-model"), "blobs");

    private static string Sha => Bytes.Sha256(Weights);

    private string Sidecar => Path.Combine(Blobs, Sha + ".chunks.incomplete");

    private string Partial => Path.Combine(Blobs, Sha + ".chunked.incomplete");

    private string SnapshotPath => Path.Combine(_f.RepoDir("models--acme--sharded-model"), "snapshots", _commit.Sha, "model.bin");

    /// <summary>
    /// The chunks held open (a stall after <c>stallBytes</c> bytes of each) and the chunks complete when the process is
    /// killed. Four connections: once four chunks are held, nothing further starts, so chunks past them are not even asked for.
    /// </summary>
    public static TheoryData<int[], int[], int> KillPoints() => new()
    {
        { [1, 2, 3, 4], [0], 0 },                   // after the first chunk
        { [1, 2, 3, 4], [0], ChunkSize / 2 },       // after the first chunk, half of four more received
        { [1, 3, 4, 6], [0, 2, 5], 1000 },          // not a prefix: holes between complete chunks, the last never asked for
        { [7], [0, 1, 2, 3, 4, 5, 6], 100_000 },    // all but the last, which is mid-transfer
    };

    [Theory]
    [MemberData(nameof(KillPoints))]
    public async Task Killed_with_some_chunks_complete_then_run_again_fetches_exactly_the_missing_chunks(int[] held, int[] complete, int stallBytes)
    {
        foreach (int chunk in held) _f.Hub.InjectFault(FakeFault.Stall(stallBytes, TimeSpan.FromMinutes(5)), r => IsChunkGet(r, chunk), times: null);

        using (HelperProcess helper = Start())
        {
            await WaitForSidecarAsync(helper, complete);
            await helper.KillAsync();
        }

        // What SIGKILL left: no published blob or snapshot entry, a preallocated partial whose complete chunks hold the
        // file's bytes, and the sidecar naming exactly those chunks.
        Assert.False(CacheInvariants.EntryExists(SnapshotPath));
        Assert.False(File.Exists(Path.Combine(Blobs, Sha)));
        Assert.Equal(complete, ReadSidecarChunks());
        byte[] partial = await File.ReadAllBytesAsync(Partial);
        Assert.Equal(Size, partial.Length);
        foreach (int chunk in complete) Assert.True(Weights.AsSpan(Start(chunk), Length(chunk)).SequenceEqual(partial.AsSpan(Start(chunk), Length(chunk))), $"chunk {chunk}");

        _f.Hub.ClearFaults();
        _f.Hub.ClearRequests();
        using (HelperProcess rerun = Start())
        {
            Assert.Equal(SnapshotPath, await rerun.SucceedsAsync());
        }

        int[] missing = Enumerable.Range(0, Chunks).Except(complete).ToArray();
        FakeHubRequest[] gets = _f.Hub.Requests.Where(r => r.IsCdn && r.Method == "GET").ToArray();
        Assert.Equal(missing.Select(RangeHeader).Order(StringComparer.Ordinal), gets.Select(g => g.Range).Order(StringComparer.Ordinal));
        Assert.Equal(missing.Sum(c => (long)Length(c)), gets.Sum(g => g.BytesSent));
        Assert.Equal(Weights, await File.ReadAllBytesAsync(SnapshotPath));
        Assert.False(File.Exists(Sidecar));
        CacheInvariants.AssertNoIncomplete(_f.CacheDirectory);
        CacheInvariants.AssertNoUnverifiedBlob(_f.CacheDirectory);
        CacheInvariants.AssertSnapshotsVerified(_f.CacheDirectory);
    }

    [Fact]
    public async Task Killed_before_any_chunk_is_complete_then_run_again_fetches_every_chunk_once()
    {
        FaultRule hold = _f.Hub.InjectFault(FakeFault.Stall(ChunkSize / 4, TimeSpan.FromMinutes(5)), r => r.IsCdn && r.Method == "GET", times: Connections);

        using (HelperProcess helper = Start())
        {
            await WaitUntilAsync(helper, () => hold.Hits == Connections && _f.Hub.Requests.Count(r => r.IsCdn && r.BytesSent == ChunkSize / 4) == Connections);
            await helper.KillAsync();
        }

        Assert.False(File.Exists(Path.Combine(Blobs, Sha)));
        Assert.Empty(File.Exists(Sidecar) ? ReadSidecarChunks() : []);
        _f.Hub.ClearFaults();
        _f.Hub.ClearRequests();
        using (HelperProcess rerun = Start())
        {
            Assert.Equal(SnapshotPath, await rerun.SucceedsAsync());
        }

        FakeHubRequest[] gets = _f.Hub.Requests.Where(r => r.IsCdn && r.Method == "GET").ToArray();
        Assert.Equal(Enumerable.Range(0, Chunks).Select(RangeHeader).Order(StringComparer.Ordinal), gets.Select(g => g.Range).Order(StringComparer.Ordinal));
        Assert.Equal(Size, gets.Sum(g => g.BytesSent));
        Assert.Equal(Weights, await File.ReadAllBytesAsync(SnapshotPath));
        CacheInvariants.AssertNoIncomplete(_f.CacheDirectory);
    }

    private HelperProcess Start() => HelperProcess.Start(HelperProcess.DownloadArgs(
        _f.Hub, _f.CacheDirectory, Repo, "model.bin",
        "--parallel-threshold", "1000000", "--chunk-size", ChunkSize.ToString(CultureInfo.InvariantCulture),
        "--connections", Connections.ToString(CultureInfo.InvariantCulture),
        "--download-timeout-ms", "600000")); // the held chunks must not time out and be asked for again before the kill

    private static int Start(int chunk) => chunk * ChunkSize;

    private static int Length(int chunk) => Math.Min(ChunkSize, Size - Start(chunk));

    private static string RangeHeader(int chunk) => $"bytes={Start(chunk)}-{Start(chunk) + Length(chunk) - 1}";

    private static bool IsChunkGet(FakeHubRequest r, int chunk) => r.IsCdn && r.Method == "GET" && r.Range == RangeHeader(chunk);

    /// <summary>The chunk indexes the sidecar lists, read as the documented JSON (not through the library).</summary>
    private int[] ReadSidecarChunks()
    {
        using JsonDocument json = JsonDocument.Parse(File.ReadAllBytes(Sidecar));
        Assert.Equal("hubclient-chunks/1", json.RootElement.GetProperty("format").GetString());
        Assert.Equal(Size, json.RootElement.GetProperty("size").GetInt64());
        Assert.Equal(ChunkSize, json.RootElement.GetProperty("chunkSize").GetInt64());
        return json.RootElement.GetProperty("chunks").EnumerateArray().Select(c => c[0].GetInt32()).Order().ToArray();
    }

    /// <summary>Polls the sidecar (replaced by rename, so never torn) until it lists <paramref name="complete"/>.</summary>
    private Task WaitForSidecarAsync(HelperProcess helper, int[] complete) => WaitUntilAsync(helper, () =>
    {
        try
        {
            return File.Exists(Sidecar) && ReadSidecarChunks().SequenceEqual(complete);
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return false;
        }
    });

    /// <summary>Polls <paramref name="condition"/> while the helper runs; fails with its transcript if it exits or a minute passes.</summary>
    private static async Task WaitUntilAsync(HelperProcess helper, Func<bool> condition)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!condition())
        {
            Assert.False(helper.HasExited, $"The helper ended before the kill point:\n{helper.Transcript}");
            Assert.False(guard.IsCancellationRequested, $"The kill point was not reached within 60 s:\n{helper.Transcript}");
            await Task.Delay(10);
        }
    }
}
