using System.Globalization;

namespace HubClient.Tests.Processes;

/// <summary>
/// A download process is killed with SIGKILL at a known point (mid-transfer, with every byte written, between the
/// publish steps; over HTTP or Xet storage) and started again. The snapshot path must never show a partial or unverified file, and the second run
/// must fetch only the bytes that were missing.
/// </summary>
public sealed class KillTests : IAsyncLifetime
{
    private const string Repo = "acme/big-model";
    private const int Size = 2_000_000;
    private static readonly byte[] Weights = Bytes.Random(Size, seed: 21);
    private readonly HubFixture _f = new();
    private FakeCommit _commit = null!;

    public Task InitializeAsync()
    {
        _commit = _f.Hub.AddRepo(Repo).Commit(c => c.AddLfs("model.bin", Weights).Add("config.json", "{\"layers\": 2}"));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    private string RepoDir => _f.RepoDir("models--acme--big-model");

    private string Sha => Bytes.Sha256(Weights);

    private string SnapshotPath => Path.Combine(RepoDir, "snapshots", _commit.Sha, "model.bin");

    public static TheoryData<int> KillOffsets() => new()
    {
        1,                                     // right after the first bytes
        Size / 2,                              // mid-transfer
        new Random(2024).Next(1, Size),        // a pseudo-random point (fixed seed: the same every run)
    };

    [Theory]
    [MemberData(nameof(KillOffsets))]
    public async Task Killed_mid_transfer_then_run_again_fetches_only_the_missing_bytes(int killAfter)
    {
        long written = await RunAndKillAsync("--pause-at-bytes", killAfter.ToString(CultureInfo.InvariantCulture));

        // The pause comes at the first progress report at or past the offset: one network read (at most 1 MiB) further.
        Assert.InRange(written, killAfter, Math.Min(Size - 1, killAfter + TransferOptions.DefaultBufferSize));
        AssertNothingPublished();
        string partial = Path.Combine(RepoDir, "blobs", Sha + ".incomplete");
        Assert.Equal(written, new FileInfo(partial).Length);
        Assert.Equal(Weights[..(int)written], await File.ReadAllBytesAsync(partial));
        _f.Hub.ClearRequests();

        string path = await RunAsync();

        Assert.Equal(SnapshotPath, path);
        FakeHubRequest get = Assert.Single(_f.Hub.Requests, r => r.IsCdn);
        Assert.Equal($"bytes={written}-", get.Range);
        Assert.Equal(Size - written, get.BytesSent);
        AssertPublished();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_local_directory_download_killed_mid_transfer_resumes_fetching_less_than_one_and_a_half_files(bool ranges)
    {
        string dir = _f.Temp.Combine("local");
        string[] mode = ranges ? ["--local-dir", dir, "--parallel-threshold", "262144", "--chunk-size", "262144", "--connections", "2"] : ["--local-dir", dir];
        long written = await RunAndKillAsync([.. mode, "--pause-at-bytes", (Size / 2).ToString(CultureInfo.InvariantCulture)]);

        Assert.InRange(written, Size / 2, Size - 1);
        Assert.False(File.Exists(Path.Combine(dir, "model.bin")), "A killed download must not leave the file in the folder.");
        long firstRun = _f.Hub.Requests.Where(r => r.IsCdn).Sum(r => r.BytesSent);
        _f.Hub.ClearRequests();

        string path = await RunAsync(mode);

        Assert.Equal(Path.Combine(dir, "model.bin"), path);
        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        long rerun = _f.Hub.Requests.Where(r => r.IsCdn).Sum(r => r.BytesSent);
        Assert.True(rerun < Size, $"The rerun fetched {rerun} bytes: it should continue, not start over.");
        Assert.True(firstRun + rerun < Size * 1.5, $"{firstRun} + {rerun} bytes on the wire for a {Size}-byte file.");
        CacheInvariants.AssertNoIncomplete(Path.Combine(dir, ".cache"));
    }

    [Fact]
    public async Task Killed_with_every_byte_written_but_not_yet_verified_nor_renamed_then_run_again_fetches_nothing()
    {
        long written = await RunAndKillAsync("--pause-at-bytes", Size.ToString(CultureInfo.InvariantCulture));

        Assert.Equal(Size, written);
        AssertNothingPublished(); // complete bytes, but unverified: still only a partial
        _f.Hub.ClearRequests();

        Assert.Equal(SnapshotPath, await RunAsync());
        Assert.DoesNotContain(_f.Hub.Requests, r => r.IsCdn);
        AssertPublished();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Killed_between_publishing_the_blob_and_creating_the_snapshot_entry_then_run_again_fetches_nothing(bool copyMode)
    {
        string[] mode = copyMode ? ["--copy-mode"] : [];
        await RunAndKillAsync(["--pause-at", "blob-published", .. mode]);

        Assert.False(CacheInvariants.EntryExists(SnapshotPath), "The snapshot entry must not exist before the blob is published and linked.");
        Assert.Equal(Sha, CacheInvariants.HashOf(Path.Combine(RepoDir, "blobs", Sha), Sha));
        _f.Hub.ClearRequests();

        Assert.Equal(SnapshotPath, await RunAsync(mode));
        Assert.DoesNotContain(_f.Hub.Requests, r => r.IsCdn);
        Assert.Equal(Weights, await File.ReadAllBytesAsync(SnapshotPath));
        Assert.Equal(!copyMode, new FileInfo(SnapshotPath).LinkTarget is not null);
        CacheInvariants.AssertNoIncomplete(_f.CacheDirectory);
        CacheInvariants.AssertNoUnverifiedBlob(_f.CacheDirectory);
    }

    [Fact]
    public async Task Copy_mode_killed_with_a_shared_blob_staged_leaves_no_snapshot_entry_and_only_a_prunable_partial()
    {
        // The blob is already cached (from another revision): the new snapshot gets a copy, staged then renamed.
        using (HubApi api = _f.NewClient(o => o.DisableSymlinks = true))
        {
            await api.DownloadFileAsync(Repo, "model.bin");
        }
        FakeCommit next = _f.Hub.FindRepo(Repo)!.Commit(c => c.Add("readme.md", "v2"));
        string blob = Path.Combine(RepoDir, "blobs", Sha);
        File.Copy(Path.Combine(RepoDir, "snapshots", _commit.Sha, "model.bin"), blob); // the shared blob
        string nextSnapshot = Path.Combine(RepoDir, "snapshots", next.Sha, "model.bin");

        await RunAndKillAsync("--copy-mode", "--pause-at", "pointer-staged");

        Assert.False(CacheInvariants.EntryExists(nextSnapshot));
        Assert.Single(HubCache.Scan(_f.CacheDirectory).IncompleteDownloads);
        _f.Hub.ClearRequests();
        Assert.Equal(nextSnapshot, await RunAsync("--copy-mode"));
        Assert.Equal(Weights, await File.ReadAllBytesAsync(nextSnapshot));
        Assert.DoesNotContain(_f.Hub.Requests, r => r.IsCdn); // the shared blob is copied again, not downloaded
        Assert.Single(_f.Hub.Requests, r => r.Method == "HEAD");
        CacheInvariants.AssertNoUnverifiedBlob(_f.CacheDirectory);
    }

    [Fact]
    public async Task A_xet_download_killed_mid_transfer_resumes_from_its_term_ledger_fetching_less_than_one_and_a_half_files()
    {
        const string xetRepo = "acme/xet-model";
        const int size = 6 * 1024 * 1024;
        byte[] weights = Bytes.Random(size, seed: 23);
        _f.Hub.XetChunksPerTerm = 2; // many small terms (about 48): little is in flight when the process dies
        FakeFile file = _f.Hub.AddRepo(xetRepo).Commit(c => c.AddXet("model.bin", weights)).Files["model.bin"];
        string blobs = Path.Combine(_f.RepoDir("models--acme--xet-model"), "blobs");
        int terms = (int)Math.Ceiling(file.XetChunks!.Count / 2.0);

        // Paused (the progress callback blocks, and with it every fetch's next report) once half the file is written.
        using (HelperProcess helper = HelperProcess.Start(HelperProcess.DownloadArgs(_f.Hub, _f.CacheDirectory, xetRepo, "model.bin",
            "--pause-at-bytes", (size / 2).ToString(CultureInfo.InvariantCulture))))
        {
            await helper.WaitForLineAsync("paused bytes ");
            await helper.KillAsync();
        }

        Assert.False(File.Exists(Path.Combine(blobs, file.Sha256)), "A killed download must not publish the blob.");
        Assert.True(File.Exists(Path.Combine(blobs, file.Sha256 + ".xet.incomplete")), "The Xet partial should stay for the rerun.");
        Assert.True(File.ReadAllLines(Path.Combine(blobs, file.Sha256 + ".xet-terms.incomplete")).Length > 1, "The term ledger recorded no finished term.");
        CacheInvariants.AssertNoUnverifiedBlob(_f.CacheDirectory);
        long firstRun = _f.Hub.Requests.Where(r => r.IsXorb).Sum(r => r.BytesSent);
        _f.Hub.ClearRequests();

        string path;
        using (HelperProcess helper = HelperProcess.Start(HelperProcess.DownloadArgs(_f.Hub, _f.CacheDirectory, xetRepo, "model.bin")))
        {
            path = await helper.SucceedsAsync();
        }

        Assert.Equal(weights, await File.ReadAllBytesAsync(path));
        FakeHubRequest[] rerun = [.. _f.Hub.Requests.Where(r => r.IsXorb)];
        Assert.InRange(rerun.Length, 1, terms - 1); // only the terms the ledger lacks
        Assert.DoesNotContain(_f.Hub.Requests, r => r.IsCdn); // no fallback to the bridge
        long total = firstRun + rerun.Sum(r => r.BytesSent);
        Assert.True(total < size * 1.5, $"{firstRun} + {total - firstRun} xorb bytes on the wire for a {size}-byte file.");
        CacheInvariants.AssertNoIncomplete(_f.CacheDirectory);
        CacheInvariants.AssertSnapshotsVerified(_f.CacheDirectory);
    }

    [Fact]
    public async Task A_xet_download_of_one_big_term_killed_mid_transfer_resumes_inside_the_term()
    {
        // The hub's terms can be a whole 64 MiB xorb range: resuming term by term would fetch such a term again in full.
        const string xetRepo = "acme/xet-one-term";
        const int size = 6 * 1024 * 1024;
        byte[] weights = Bytes.Random(size, seed: 24);
        _f.Hub.XetChunksPerXorb = 10_000;
        _f.Hub.XetChunksPerTerm = 10_000;
        FakeFile file = _f.Hub.AddRepo(xetRepo).Commit(c => c.AddXet("model.bin", weights)).Files["model.bin"];

        using (HelperProcess helper = HelperProcess.Start(HelperProcess.DownloadArgs(_f.Hub, _f.CacheDirectory, xetRepo, "model.bin",
            "--pause-at-bytes", (size / 2).ToString(CultureInfo.InvariantCulture))))
        {
            await helper.WaitForLineAsync("paused bytes ");
            await helper.KillAsync();
        }
        Assert.Single(_f.Hub.Requests, r => r.IsXorb); // one term, one request
        _f.Hub.ClearRequests();

        string path;
        using (HelperProcess helper = HelperProcess.Start(HelperProcess.DownloadArgs(_f.Hub, _f.CacheDirectory, xetRepo, "model.bin")))
        {
            path = await helper.SucceedsAsync();
        }

        Assert.Equal(weights, await File.ReadAllBytesAsync(path));
        FakeHubRequest rerun = Assert.Single(_f.Hub.Requests, r => r.IsXorb);
        Assert.True(rerun.BytesSent <= size / 2 + 100_000, $"The rerun fetched {rerun.BytesSent} xorb bytes ({rerun.Range}) of a {size}-byte term half written.");
        Assert.Contains(_f.Hub.Requests, r => r.IsCas && r.Range is not null);
        Assert.DoesNotContain(_f.Hub.Requests, r => r.IsCdn);
        CacheInvariants.AssertNoIncomplete(_f.CacheDirectory);
        CacheInvariants.AssertSnapshotsVerified(_f.CacheDirectory);
    }

    /// <summary>
    /// Xet storage gives up half-way (its one xorb answer stalls, every later one is refused) and hands what it wrote to the
    /// parallel ranges; the process is killed between the handover's steps. The rerun (the hub healthy again) must publish
    /// the right file, leave no partial behind, and fetch at most the file once more in all.
    /// </summary>
    [Theory]
    [InlineData("xet-handover-recorded")]
    [InlineData("xet-handed-over")]
    public async Task Killed_while_handing_a_xet_partial_to_the_bridge_then_run_again_publishes_the_right_file(string point)
    {
        const string xetRepo = "acme/xet-handover";
        const int size = 3_000_000;
        byte[] weights = Bytes.Random(size, seed: 25);
        _f.Hub.XetChunksPerXorb = 10_000;
        _f.Hub.XetChunksPerTerm = 10_000;
        _f.Hub.AddRepo(xetRepo).Commit(c => c.AddXet("model.bin", weights));
        _f.Hub.InjectFault(FakeFault.Stall(1_500_000, TimeSpan.FromSeconds(30)), r => r.IsXorb);
        _f.Hub.InjectFault(FakeFault.Status(404), r => r.IsXorb, times: null);
        string[] ranges = ["--parallel-threshold", "1048576", "--chunk-size", "262144", "--download-timeout-ms", "1000"];

        using (HelperProcess helper = HelperProcess.Start(HelperProcess.DownloadArgs(_f.Hub, _f.CacheDirectory, xetRepo, "model.bin", [.. ranges, "--pause-at", point])))
        {
            await helper.WaitForLineAsync("paused at " + point);
            await helper.KillAsync();
        }
        Assert.DoesNotContain(_f.Hub.Requests, r => r.IsCdn);
        _f.Hub.ClearFaults();
        _f.Hub.ClearRequests();

        string path;
        using (HelperProcess helper = HelperProcess.Start(HelperProcess.DownloadArgs(_f.Hub, _f.CacheDirectory, xetRepo, "model.bin", ranges)))
        {
            path = await helper.SucceedsAsync();
        }

        Assert.Equal(weights, await File.ReadAllBytesAsync(path));
        long rerun = _f.Hub.Requests.Where(r => r.IsCdn || r.IsXorb).Sum(r => r.BytesSent);
        Assert.True(rerun < size - 1_000_000, $"The rerun fetched {rerun} bytes of a {size}-byte file half written before the kill.");
        CacheInvariants.AssertNoIncomplete(_f.CacheDirectory);
        CacheInvariants.AssertSnapshotsVerified(_f.CacheDirectory);
    }

    /// <summary>Runs the helper until it reports its pause, SIGKILLs it there, and returns the bytes written when it paused (or -1).</summary>
    private async Task<long> RunAndKillAsync(params string[] pause)
    {
        using HelperProcess helper = HelperProcess.Start(HelperProcess.DownloadArgs(_f.Hub, _f.CacheDirectory, Repo, "model.bin", pause));
        string paused = await helper.WaitForLineAsync("paused ");
        await helper.KillAsync();
        return paused.StartsWith("paused bytes ", StringComparison.Ordinal) ? long.Parse(paused["paused bytes ".Length..], CultureInfo.InvariantCulture) : -1;
    }

    private async Task<string> RunAsync(params string[] extra)
    {
        using HelperProcess helper = HelperProcess.Start(HelperProcess.DownloadArgs(_f.Hub, _f.CacheDirectory, Repo, "model.bin", extra));
        return await helper.SucceedsAsync();
    }

    private void AssertNothingPublished()
    {
        Assert.False(CacheInvariants.EntryExists(SnapshotPath), "A killed download must not leave anything at the snapshot path.");
        Assert.False(File.Exists(Path.Combine(RepoDir, "blobs", Sha)), "A killed download must not publish the blob.");
        CacheInvariants.AssertNoUnverifiedBlob(_f.CacheDirectory);
    }

    private void AssertPublished()
    {
        Assert.Equal(Weights, File.ReadAllBytes(SnapshotPath));
        CacheInvariants.AssertNoIncomplete(_f.CacheDirectory);
        CacheInvariants.AssertNoUnverifiedBlob(_f.CacheDirectory);
        CacheInvariants.AssertSnapshotsVerified(_f.CacheDirectory);
    }
}
