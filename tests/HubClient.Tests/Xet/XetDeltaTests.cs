using System.Diagnostics;
using System.Text.Json;
using HubClient.Tests.Cli;
using HubClient.Tests.Diagnostics;
using Xunit.Abstractions;

namespace HubClient.Tests.Xet;

/// <summary>
/// Delta downloads: a Xet file whose reconstruction shares xorb chunk ranges with blobs the cache already holds copies
/// those bytes from disk and fetches only the rest, verified like any download. Bytes on the wire are the xorb bytes in
/// FakeHub's request log; FakeHub's CAS deduplicates chunks across files, so a new version references the old xorbs
/// wherever content-defined chunking realigns.
/// </summary>
public sealed class XetDeltaTests(ITestOutputHelper output)
{
    private const string Repo = "acme/big-model";

    [Fact]
    public async Task A_new_revision_that_changes_4_MiB_of_a_256_MiB_file_fetches_under_a_tenth_of_it()
    {
        const int size = 256 * 1024 * 1024, changedAt = 100 * 1024 * 1024, changed = 4 * 1024 * 1024;
        var clock = Stopwatch.StartNew();
        byte[] v1 = Pseudorandom(size, seed: 11);
        byte[] v2 = (byte[])v1.Clone();
        Pseudorandom(changed, seed: 12).CopyTo(v2, changedAt);
        await using var f = new HubFixture();
        f.Hub.XetChunksPerXorb = 1024; // xet-core packs up to 64 MiB per xorb; a few requests instead of hundreds.
        f.Hub.XetChunksPerTerm = 256;
        FakeRepo repo = f.Hub.AddRepo(Repo);
        FakeCommit first = repo.Commit(c => c.AddXet("model.bin", v1));
        FakeCommit second = repo.Commit(c => c.AddXet("model.bin", v2));
        TimeSpan setup = clock.Elapsed;

        await f.Api.DownloadFileAsync(Repo, "model.bin", new DownloadFileOptions { Revision = first.Sha });
        TimeSpan full = clock.Elapsed - setup;
        long before = XorbBytes(f.Hub);
        var progress = new LastProgress();
        string path = await f.Api.DownloadFileAsync(Repo, "model.bin", new DownloadFileOptions { Revision = second.Sha, Progress = progress });
        TimeSpan delta = clock.Elapsed - setup - full;

        long wire = XorbBytes(f.Hub) - before;
        output.WriteLine($"setup {setup.TotalSeconds:0.0} s, v1 {full.TotalSeconds:0.0} s, v2 {delta.TotalSeconds:0.0} s; v2 put {wire} xorb bytes on the wire, reused {progress.Last.BytesReused}");
        Assert.True(wire < size / 10, $"{wire} bytes of xorbs fetched for v2");
        Assert.True(wire >= changed, $"{wire} bytes cannot hold the changed 4 MiB");
        byte[] written = await File.ReadAllBytesAsync(path);
        Assert.True(v2.AsSpan().SequenceEqual(written));
        Assert.Equal(size, progress.Last.BytesDownloaded);
        Assert.InRange(progress.Last.BytesReused, size - wire - 2 * 128 * 1024, size - changed);
        AssertRecord(f, second.Files["model.bin"]);
    }

    [Fact]
    public async Task The_same_file_in_a_second_repo_costs_no_xorb_bytes_and_is_counted_as_reused()
    {
        byte[] content = Pseudorandom(16 * 1024 * 1024, seed: 21);
        await using var f = new HubFixture();
        f.Hub.AddRepo("acme/one").Commit(c => c.AddXet("model.bin", content));
        f.Hub.AddRepo("other/two").Commit(c => c.AddXet("weights.bin", content));
        await f.Api.DownloadFileAsync("acme/one", "model.bin");
        int before = f.Hub.Requests.Count(r => r.IsXorb);
        using var metrics = new MetricCapture();
        var progress = new LastProgress();

        string path = await f.Api.DownloadFileAsync("other/two", "weights.bin", new DownloadFileOptions { Progress = progress });

        Assert.Equal(before, f.Hub.Requests.Count(r => r.IsXorb));
        Assert.Equal(content, await File.ReadAllBytesAsync(path));
        Assert.Equal(content.Length, progress.Last.BytesReused);
        Assert.True(metrics.Sum("hubclient.download.bytes_reused") >= content.Length);
        Assert.Empty(HubCache.Scan(f.CacheDirectory).Warnings); // The records' folder is no warning (nor for Python's scan: it reads refs, snapshots and blobs only).
    }

    [Fact]
    public async Task A_damaged_held_blob_is_detected_and_its_terms_fetched_instead()
    {
        (long cleanWire, long cleanReused) = await DeltaAsync(damage: false);
        (long damagedWire, long damagedReused) = await DeltaAsync(damage: true);

        Assert.True(damagedWire > cleanWire, $"damaged source: {damagedWire} xorb bytes, clean: {cleanWire}");
        Assert.True(damagedReused < cleanReused);
        Assert.True(damagedReused > 0); // Only the terms touching the damage were fetched.
    }

    [Fact]
    public async Task A_held_blob_without_a_record_as_python_writes_it_is_learned_and_used()
    {
        byte[] v1 = Pseudorandom(16 * 1024 * 1024, seed: 31);
        byte[] v2 = (byte[])v1.Clone();
        Pseudorandom(1024 * 1024, seed: 32).CopyTo(v2, 8 * 1024 * 1024);
        await using var f = new HubFixture();
        FakeRepo repo = f.Hub.AddRepo(Repo);
        FakeCommit first = repo.Commit(c => c.AddXet("model.bin", v1));
        FakeCommit second = repo.Commit(c => c.AddXet("model.bin", v2));
        await f.Api.DownloadFileAsync(Repo, "model.bin", new DownloadFileOptions { Revision = first.Sha });
        string records = Path.Combine(f.RepoDir("models--acme--big-model"), "xet");
        Directory.Delete(records, recursive: true);
        long before = XorbBytes(f.Hub);
        var progress = new LastProgress();

        string path = await f.Api.DownloadFileAsync(Repo, "model.bin", new DownloadFileOptions { Revision = second.Sha, Progress = progress });

        long wire = XorbBytes(f.Hub) - before;
        Assert.Equal(v2, await File.ReadAllBytesAsync(path));
        Assert.True(wire < v2.Length / 4, $"{wire} xorb bytes fetched");
        Assert.True(progress.Last.BytesReused > v2.Length / 2);
        AssertRecord(f, first.Files["model.bin"]); // Learned once, kept for next time.
        AssertRecord(f, second.Files["model.bin"]);
    }

    [Fact]
    public async Task Hub_download_says_how_much_it_fetched_and_how_much_it_reused()
    {
        byte[] content = Pseudorandom(3 * 1024 * 1024, seed: 61);
        await using var f = new HubFixture();
        f.Hub.AddRepo("acme/one").Commit(c => c.AddXet("model.bin", content));
        f.Hub.AddRepo("other/two").Commit(c => c.AddXet("model.bin", content).Add("config.json", "{}"));
        await f.Api.DownloadFileAsync("acme/one", "model.bin");

        CliResult file = await CliRunner.RunAsync(f, ["download", "other/two", "model.bin", "--cache-dir", f.CacheDirectory]);
        Directory.Delete(f.RepoDir("models--other--two"), recursive: true);
        CliResult snapshot = await CliRunner.RunAsync(f, ["download", "other/two", "--cache-dir", f.CacheDirectory]);

        Assert.Equal(0, file.Code);
        Assert.Contains("downloaded model.bin (3.1 MB: 0 B fetched, 3.1 MB reused from the cache)", file.Err, StringComparison.Ordinal);
        Assert.Equal(0, snapshot.Code);
        Assert.Contains("(3.1 MB reused from Xet chunks already in the cache)", snapshot.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_forced_download_fetches_everything()
    {
        byte[] content = Pseudorandom(2 * 1024 * 1024, seed: 41);
        await using var f = new HubFixture();
        f.Hub.AddRepo(Repo).Commit(c => c.AddXet("model.bin", content));
        await f.Api.DownloadFileAsync(Repo, "model.bin");
        long before = XorbBytes(f.Hub);

        await f.Api.DownloadFileAsync(Repo, "model.bin", new DownloadFileOptions { ForceDownload = true });

        Assert.Equal(before * 2, XorbBytes(f.Hub));
    }

    /// <summary>v1 then v2 (1 MiB changed at 8 MiB) of a 16 MiB file; optionally a byte of v1's blob flipped in a shared region first.</summary>
    private static async Task<(long Wire, long Reused)> DeltaAsync(bool damage)
    {
        byte[] v1 = Pseudorandom(16 * 1024 * 1024, seed: 51);
        byte[] v2 = (byte[])v1.Clone();
        Pseudorandom(1024 * 1024, seed: 52).CopyTo(v2, 8 * 1024 * 1024);
        await using var f = new HubFixture();
        FakeRepo repo = f.Hub.AddRepo(Repo);
        FakeCommit first = repo.Commit(c => c.AddXet("model.bin", v1));
        FakeCommit second = repo.Commit(c => c.AddXet("model.bin", v2));
        string v1Path = await f.Api.DownloadFileAsync(Repo, "model.bin", new DownloadFileOptions { Revision = first.Sha });
        if (damage) FlipByte(v1Path, 2 * 1024 * 1024 + 5);
        long before = XorbBytes(f.Hub);
        var progress = new LastProgress();

        string path = await f.Api.DownloadFileAsync(Repo, "model.bin", new DownloadFileOptions { Revision = second.Sha, Progress = progress });

        Assert.Equal(v2, await File.ReadAllBytesAsync(path));
        return (XorbBytes(f.Hub) - before, progress.Last.BytesReused);
    }

    /// <summary>Flips one byte of a (possibly read-only, possibly linked) blob in place.</summary>
    private static void FlipByte(string snapshotPath, long offset)
    {
        string blob = new FileInfo(snapshotPath).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? snapshotPath;
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(blob, File.GetUnixFileMode(blob) | UnixFileMode.UserWrite);
        File.SetAttributes(blob, File.GetAttributes(blob) & ~FileAttributes.ReadOnly);
        using FileStream stream = new(blob, FileMode.Open, FileAccess.ReadWrite);
        stream.Position = offset;
        int value = stream.ReadByte();
        stream.Position = offset;
        stream.WriteByte((byte)(value ^ 0xFF));
    }

    /// <summary>The blob's record exists and describes it: its Xet hash, size, and terms that tile the file.</summary>
    private static void AssertRecord(HubFixture f, FakeFile file)
    {
        string record = Path.Combine(f.RepoDir("models--acme--big-model"), "xet", file.Etag + ".json");
        using JsonDocument json = JsonDocument.Parse(File.ReadAllBytes(record));
        JsonElement root = json.RootElement;
        Assert.Equal(file.XetHash, root.GetProperty("xet_hash").GetString());
        Assert.Equal(file.Size, root.GetProperty("size").GetInt64());
        long offset = 0;
        foreach (JsonElement term in root.GetProperty("terms").EnumerateArray())
        {
            Assert.Equal(offset, term.GetProperty("offset").GetInt64());
            Assert.Equal(term.GetProperty("chunk_end").GetInt32() - term.GetProperty("chunk_start").GetInt32(), term.GetProperty("chunk_hashes").GetArrayLength());
            offset += term.GetProperty("length").GetInt64();
        }
        Assert.Equal(file.Size, offset);
    }

    /// <summary>
    /// Deterministic incompressible bytes, fast (AES-128 over a counter; <see cref="Bytes.Random"/> takes seconds for
    /// 256 MiB): no two 16-byte blocks repeat, so no two chunks do.
    /// </summary>
    private static byte[] Pseudorandom(int length, int seed)
    {
        var counter = new byte[(length + 15) / 16 * 16];
        Span<long> words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(counter.AsSpan());
        for (int i = 0; i < words.Length; i += 2) words[i] = i / 2;
        using var aes = System.Security.Cryptography.Aes.Create();
        var key = new byte[16];
        BitConverter.TryWriteBytes(key, seed);
        aes.Key = key;
        byte[] bytes = aes.EncryptEcb(counter, System.Security.Cryptography.PaddingMode.None);
        return bytes.Length == length ? bytes : bytes[..length];
    }

    private static long XorbBytes(FakeHub hub) => hub.Requests.Where(r => r.IsXorb).Sum(r => r.BytesSent);

    private sealed class LastProgress : IProgress<DownloadProgress>
    {
        private readonly Lock _lock = new();

        public DownloadProgress Last { get; private set; }

        public void Report(DownloadProgress value)
        {
            lock (_lock)
            {
                if (value.BytesDownloaded >= Last.BytesDownloaded) Last = value;
            }
        }
    }
}
