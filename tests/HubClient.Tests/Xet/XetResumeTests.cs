using System.Globalization;
using HubClient.Xet;
using Microsoft.Win32.SafeHandles;

namespace HubClient.Tests.Xet;

/// <summary>
/// Resuming Xet downloads below the term: the ledger's spans must only ever claim bytes that are in the file, every byte
/// is reported once across runs and retries, and terms that share xorb chunks (a file that repeats itself) keep sharing
/// one request when their rest is asked for again.
/// </summary>
public sealed class XetResumeTests : IAsyncDisposable
{
    private const string Repo = "acme/xet-resume";
    private readonly FakeHub _hub = FakeHub.Start();
    private readonly TempDirectory _temp = new();
    private readonly HttpClient _client = new(HubHttp.CreateHandler()) { Timeout = Timeout.InfiniteTimeSpan };
    private readonly HubHttp _http;

    public XetResumeTests()
    {
        _hub.AddRepo(Repo);
        _http = new HubHttp(_client, _hub.CreateOptions(_temp.Combine("cache"), token: null));
    }

    private FakeFile Add(byte[] content)
    {
        _hub.FindRepo(Repo)!.Commit(c => c.AddXet("model.bin", content));
        return _hub.FindRepo(Repo)!.Resolve("main")!.Files["model.bin"];
    }

    private XetFileRequest Request(FakeFile file) =>
        new(RepoType.Model, Repo, _hub.FindRepo(Repo)!.Resolve("main")!.Sha, file.Path, file.XetHash!, file.Size);

    private static byte[] Content(bool repeated) => repeated
        ? [.. Bytes.Random(600_000, seed: 41), .. Bytes.Random(600_000, seed: 41), .. Bytes.Random(600_000, seed: 41), .. Bytes.Random(70_000, seed: 42)]
        : Bytes.Random(1_900_000, seed: 43);

    /// <summary>The first ledger line that claims bytes the file does not hold, or null.</summary>
    private static string? UntrueLine(string ledger, string target, byte[] content)
    {
        if (!File.Exists(ledger)) return null;
        string[] lines = File.ReadAllLines(ledger);
        byte[] file = File.ReadAllBytes(target);
        for (int i = 1; i < lines.Length; i++)
        {
            string[] parts = lines[i].Split(' ');
            int offset = int.Parse(parts[0], CultureInfo.InvariantCulture);
            int length = int.Parse(parts[1], CultureInfo.InvariantCulture);
            if (!file.AsSpan(offset, length).SequenceEqual(content.AsSpan(offset, length))) return $"line {i} claims [{offset}, {offset + length})";
        }
        return null;
    }

    public static TheoryData<bool, bool, int> Configurations => new()
    {
        { false, false, 1 }, { true, false, 4 }, { false, true, 4 }, { true, true, 1 },
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public async Task Cancelled_again_and_again_each_run_leaves_a_true_ledger_and_every_byte_is_counted_once(bool multiRange, bool repeated, int fetches)
    {
        byte[] content = Content(repeated);
        FakeFile file = Add(content);
        string ledger = _temp.Combine("model.bin.xet-ledger");
        string target = _temp.Combine("model.bin.incomplete");
        var options = new XetDownloadOptions { WriteBufferSize = 128 * 1024, UseMultiRangeRequests = multiRange, MaxConcurrentFetches = fetches };
        using (SafeFileHandle create = File.OpenHandle(target, FileMode.Create, FileAccess.ReadWrite)) RandomAccess.SetLength(create, file.Size);

        long previous = 0;
        foreach (double fraction in new[] { 0.15, 0.3, 0.45, 0.6, 0.75, 0.9 })
        {
            using var cancel = new CancellationTokenSource();
            long progress = 0;
            using (SafeFileHandle handle = File.OpenHandle(target, FileMode.Open, FileAccess.ReadWrite))
            {
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new XetFileDownloader(_http, options).DownloadAsync(Request(file), handle, ledger, n =>
                {
                    if (Interlocked.Add(ref progress, n) >= fraction * file.Size) cancel.Cancel();
                }, cancel.Token));
            }
            Assert.InRange(progress, Math.Max(previous, (long)(fraction * file.Size)), file.Size);
            Assert.Null(UntrueLine(ledger, target, content));
            previous = progress;
        }

        long final = 0;
        _hub.ClearRequests();
        using (SafeFileHandle handle = File.OpenHandle(target, FileMode.Open, FileAccess.ReadWrite))
        {
            await new XetFileDownloader(_http, options).DownloadAsync(Request(file), handle, ledger, n => Interlocked.Add(ref final, n), CancellationToken.None);
        }
        Assert.Equal(content, File.ReadAllBytes(target));
        Assert.Equal(file.Size, final);
        Assert.True(_hub.Requests.Where(r => r.IsXorb).Sum(r => r.BytesSent) < file.Size * 0.25, "The last run should fetch only the last tenth or so.");
    }

    public static TheoryData<bool, bool, int> Drops => new()
    {
        { false, false, 100_000 }, { true, false, 400_000 }, { false, true, 400_000 }, { true, true, 1_000 },
    };

    [Theory]
    [MemberData(nameof(Drops))]
    public async Task Dropped_xorb_answers_are_continued_with_every_byte_counted_once(bool multiRange, bool repeated, int after)
    {
        _hub.XetChunksPerXorb = 16;
        _hub.XetChunksPerTerm = 16;
        byte[] content = Content(repeated);
        FakeFile file = Add(content);
        _hub.InjectFault(FakeFault.DropAfter(after), r => r.IsXorb, times: 3);
        string target = _temp.Combine("model.bin.incomplete");
        var options = new XetDownloadOptions { WriteBufferSize = 128 * 1024, UseMultiRangeRequests = multiRange, MaxFetchAttempts = 5 };
        long progress = 0;
        using (SafeFileHandle handle = File.OpenHandle(target, FileMode.Create, FileAccess.ReadWrite))
        {
            RandomAccess.SetLength(handle, file.Size);
            await new XetFileDownloader(_http, options).DownloadAsync(Request(file), handle, _temp.Combine("model.bin.xet-ledger"), n => Interlocked.Add(ref progress, n),
                CancellationToken.None);
        }
        Assert.Equal(content, File.ReadAllBytes(target));
        Assert.Equal(file.Size, progress);
        Assert.Equal(3, _hub.Requests.Count(r => r.IsXorb && r.Fault is not null));
    }

    /// <summary>
    /// Downloads <paramref name="file"/> on a <see cref="StallClock"/> (a stalled answer is given up as soon as every answer in
    /// flight is stalled) and checks the bytes and that the progress counted each byte once; returns how many idle timeouts passed.
    /// </summary>
    private async Task<int> DownloadWithIdleTimeoutAsync(FakeFile file)
    {
        var clock = new StallClock();
        HubApiOptions options = _hub.CreateOptions(_temp.Combine("cache"), token: null);
        options.DownloadTimeout = StallClock.IdleTimeout;
        options.TimeProvider = clock;
        string target = _temp.Combine("model.bin.incomplete");
        long progress = 0;
        using (SafeFileHandle handle = File.OpenHandle(target, FileMode.Create, FileAccess.ReadWrite))
        {
            RandomAccess.SetLength(handle, file.Size);
            await clock.RunAsync(_hub, new XetFileDownloader(new HubHttp(_client, options), new XetDownloadOptions { WriteBufferSize = 128 * 1024 })
                .DownloadAsync(Request(file), handle, null, n => Interlocked.Add(ref progress, n), CancellationToken.None));
        }
        Assert.Equal(file.Content, File.ReadAllBytes(target));
        Assert.Equal(file.Size, progress);
        return clock.Stalls;
    }

    [Fact]
    public async Task A_stalled_answer_of_a_file_that_repeats_itself_asks_the_shared_rest_once()
    {
        _hub.XetChunksPerXorb = 10_000;
        _hub.XetChunksPerTerm = 10_000;
        byte[] block = Bytes.Random(900_000, seed: 51);
        FakeFile file = Add([.. block, .. block, .. block, .. Bytes.Random(50_000, seed: 52)]);
        // Half of the shared range arrives (the client reads all of it), then nothing until the client's idle timeout.
        _hub.InjectFault(FakeFault.Stall(450_000, TimeSpan.FromMinutes(1)), r => r.IsXorb && r.Range!.StartsWith("bytes=0-", StringComparison.Ordinal), times: 1);
        Assert.Equal(1, await DownloadWithIdleTimeoutAsync(file));
        FakeHubRequest[] xorbs = [.. _hub.Requests.Where(r => r.IsXorb)];
        Assert.Single(xorbs, r => r.Fault is not null);
        // The three terms share one request for the rest of the block after the stall (terms asking their rest each on
        // their own asked 2.6 MB, from the same chunk at once).
        long blockEnd = RangeOf(xorbs.Single(r => r.Fault is not null).Range!).End;
        string seen = string.Join(", ", xorbs.Select(r => r.Range + ":" + r.BytesSent));
        Assert.True(xorbs.Count(r => RangeOf(r.Range!).End == blockEnd) == 2, $"The shared rest was not asked exactly once: {seen}");
    }

    private static (long Start, long End) RangeOf(string range)
    {
        string[] bounds = range["bytes=".Length..].Split('-');
        return (long.Parse(bounds[0], CultureInfo.InvariantCulture), long.Parse(bounds[1], CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_term_stalled_more_times_than_the_attempts_still_completes_when_each_attempt_writes_more()
    {
        // As on plain HTTP, only failures in a row without progress count (the default allows 3).
        _hub.XetChunksPerXorb = 10_000;
        _hub.XetChunksPerTerm = 10_000;
        FakeFile file = Add(Bytes.Random(3_000_000, seed: 61));
        _hub.InjectFault(FakeFault.Stall(400_000, TimeSpan.FromMinutes(1)), r => r.IsXorb, times: 4);
        Assert.Equal(4, await DownloadWithIdleTimeoutAsync(file));
        Assert.Equal(4, _hub.Requests.Count(r => r.IsXorb && r.Fault is not null));
        Assert.True(_hub.Requests.Where(r => r.IsXorb).Sum(r => r.BytesSent) < file.Size + 1_000_000, "Each attempt should continue where the last one stopped.");
    }

    [Fact]
    public async Task With_a_cas_that_merges_ranges_a_stalled_range_asks_the_rest_of_all_its_terms_once()
    {
        _hub.XetMergeFetchRanges = true;
        _hub.XetChunksPerXorb = 10_000;
        _hub.XetChunksPerTerm = 4;
        FakeFile file = Add(Bytes.Random(3_000_000, seed: 62));
        _hub.InjectFault(FakeFault.Stall(2_000_000, TimeSpan.FromMinutes(1)), r => r.IsXorb, times: 1);
        Assert.Equal(1, await DownloadWithIdleTimeoutAsync(file));
        FakeHubRequest[] xorbs = [.. _hub.Requests.Where(r => r.IsXorb)];
        // One merged range for the whole file, then the rest of all its terms in one request (not one per term from byte 0).
        string seen = string.Join(", ", xorbs.Select(r => r.Range + ":" + r.BytesSent));
        Assert.True(xorbs.Length == 2, seen);
        Assert.StartsWith("bytes=0-", xorbs[0].Range, StringComparison.Ordinal);
        Assert.True(xorbs.Sum(r => r.BytesSent) < file.Size + 300_000, seen);
    }

    /// <summary>Runs the downloader over <paramref name="target"/>, cancelled once its progress reaches <paramref name="stopAt"/>; returns the progress.</summary>
    private async Task<long> RunUntilAsync(FakeFile file, string target, string ledger, XetDownloadOptions options, long stopAt)
    {
        using var cancel = new CancellationTokenSource();
        long progress = 0;
        using SafeFileHandle handle = File.OpenHandle(target, FileMode.Open, FileAccess.ReadWrite);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new XetFileDownloader(_http, options).DownloadAsync(Request(file), handle, ledger, n =>
        {
            if (Interlocked.Add(ref progress, n) >= stopAt) cancel.Cancel();
        }, cancel.Token));
        return progress;
    }

    /// <summary>
    /// A power loss loses one chunk in the middle of a ledger span: the resume keeps the span's verified chunks and records
    /// its own spans from there, inside the old one. The run after it must follow those (not stop where the old span's run
    /// stopped) and fetch only what is left. (Found by review: the chain followed whole spans only.)
    /// </summary>
    [Fact]
    public async Task After_a_chunk_lost_mid_span_the_next_resume_continues_from_where_the_previous_run_stopped()
    {
        _hub.XetChunksPerXorb = 10_000;
        _hub.XetChunksPerTerm = 10_000;
        FakeFile file = Add(Bytes.Random(6_000_000, seed: 71));
        string ledger = _temp.Combine("model.bin.xet-ledger");
        string target = _temp.Combine("model.bin.incomplete");
        var options = new XetDownloadOptions { WriteBufferSize = 1024 * 1024 };
        using (SafeFileHandle create = File.OpenHandle(target, FileMode.Create, FileAccess.ReadWrite)) RandomAccess.SetLength(create, file.Size);

        // Run 1: about a third of the file, in spans of about a dozen chunks.
        await RunUntilAsync(file, target, ledger, options, 1_000_000);
        string[] lines = File.ReadAllLines(ledger);
        string[] first = lines[1].Split(' ');
        Assert.Equal("0", first[0]);
        long[] chunkSizes = [.. first[2].Split(',').Select(c => long.Parse(c[(c.IndexOf(':', StringComparison.Ordinal) + 1)..], CultureInfo.InvariantCulture))];
        Assert.True(chunkSizes.Length >= 3, "The first span should hold several chunks.");
        long run1End = lines.Skip(1).Select(l => l.Split(' ')).Max(p => long.Parse(p[0], CultureInfo.InvariantCulture) + long.Parse(p[1], CultureInfo.InvariantCulture));

        // Power loss: the third chunk of the first span never reached the disk.
        using (SafeFileHandle handle = File.OpenHandle(target, FileMode.Open, FileAccess.ReadWrite))
        {
            RandomAccess.Write(handle, new byte[chunkSizes[2]], chunkSizes[0] + chunkSizes[1]);
        }

        // Run 2 resumes from the end of the second chunk and goes well past where run 1 stopped.
        long run2End = await RunUntilAsync(file, target, ledger, options, run1End + 1_500_000);
        Assert.True(run2End < file.Size && run2End > run1End + 1_400_000, $"run 1 stopped at {run1End}, run 2 at {run2End}");

        // Run 3 fetches only what run 2 left.
        _hub.ClearRequests();
        long final = 0;
        using (SafeFileHandle handle = File.OpenHandle(target, FileMode.Open, FileAccess.ReadWrite))
        {
            await new XetFileDownloader(_http, options).DownloadAsync(Request(file), handle, ledger, n => Interlocked.Add(ref final, n), CancellationToken.None);
        }
        Assert.Equal(file.Content, File.ReadAllBytes(target));
        Assert.Equal(file.Size, final);
        long fetched = _hub.Requests.Where(r => r.IsXorb).Sum(r => r.BytesSent);
        long left = file.Size - run2End;
        Assert.True(fetched < left + 200_000, $"Run 3 fetched {fetched} xorb bytes; run 2 had left {left} (run 1 stopped at {run1End}).");
    }

    /// <summary>
    /// A resume checks every byte the ledger claims by reading it back; those very reads feed the etag's hash (every range
    /// reported with its bytes), so that a resumed file is not read a second time to be hashed.
    /// </summary>
    [Fact]
    public async Task A_resume_hands_the_bytes_it_checks_on_disk_to_the_etag_hash()
    {
        _hub.XetChunksPerTerm = 6;
        FakeFile file = Add(Bytes.Random(3_000_000, seed: 72));
        string ledger = _temp.Combine("model.bin.xet-ledger");
        string target = _temp.Combine("model.bin.incomplete");
        var options = new XetDownloadOptions { WriteBufferSize = 128 * 1024, MaxConcurrentFetches = 4 };
        using (SafeFileHandle create = File.OpenHandle(target, FileMode.Create, FileAccess.ReadWrite)) RandomAccess.SetLength(create, file.Size);
        long kept = await RunUntilAsync(file, target, ledger, options, 1_800_000);

        var reports = new List<(long Offset, long Length, bool WithBytes)>();
        long resumed = 0;
        using (SafeFileHandle handle = File.OpenHandle(target, FileMode.Open, FileAccess.ReadWrite))
        {
            using var hasher = new WrittenPrefixHasher(handle, file.Size, file.Sha256, CancellationToken.None);
            await new XetFileDownloader(_http, options).DownloadAsync(Request(file), handle, ledger, bytesWritten: null,
                bytesResumed: n => resumed += n, rangeWritten: (offset, length, bytes) =>
                {
                    lock (reports) reports.Add((offset, length, bytes.Length == length && bytes.SequenceEqual(file.Content.AsSpan((int)offset, (int)length))));
                    hasher.Written(offset, length, bytes);
                }, reuse: null, CancellationToken.None);
            Assert.Equal(file.Sha256, await hasher.FinishAsync(CancellationToken.None));
            Assert.False(hasher.Rewritten);
        }

        Assert.True(resumed >= kept - 200_000, $"The first run wrote {kept} bytes, the resume kept {resumed}.");
        Assert.All(reports, r => Assert.True(r.WithBytes, $"[{r.Offset}, {r.Offset + r.Length}) was reported without its bytes"));
        Assert.Equal(file.Size, reports.Sum(r => r.Length)); // each byte once
        Assert.Equal(file.Content, File.ReadAllBytes(target));
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _hub.DisposeAsync();
        _temp.Dispose();
    }
}
