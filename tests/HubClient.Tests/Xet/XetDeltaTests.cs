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
    private const int DeltaSize = 16 * 1024 * 1024;

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
        (HubFixture fixture, byte[] content) = await SameFileInTwoReposAsync(16 * 1024 * 1024, seed: 21);
        await using HubFixture f = fixture;
        int before = f.Hub.Requests.Count(r => r.IsXorb);
        using var metrics = new MetricCapture();
        var progress = new LastProgress();

        string path = await f.Api.DownloadFileAsync("other/two", "model.bin", new DownloadFileOptions { Progress = progress });

        Assert.Equal(before, f.Hub.Requests.Count(r => r.IsXorb));
        Assert.Equal(content, await File.ReadAllBytesAsync(path));
        Assert.Equal(content.Length, progress.Last.BytesReused);
        Assert.Equal(content.Length, metrics.Sum("hubclient.download.bytes_reused"));
        Assert.Empty(HubCache.Scan(f.CacheDirectory).Warnings); // The records' folder is no warning (nor for Python's scan: it reads refs, snapshots and blobs only).
    }

    [Fact]
    public async Task A_damaged_held_blob_is_detected_and_its_terms_fetched_instead()
    {
        (long cleanWire, long cleanReused) = await DeltaAsync();
        (long damagedWire, long damagedReused) = await DeltaAsync((_, v1Path) => FlipByte(v1Path, 2 * 1024 * 1024 + 5));

        Assert.True(damagedWire > cleanWire, $"damaged source: {damagedWire} xorb bytes, clean: {cleanWire}");
        Assert.True(damagedReused < cleanReused);
        Assert.True(damagedReused > 0); // Only the terms touching the damage were fetched.
    }

    [Fact]
    public async Task A_record_that_lies_about_its_chunks_is_caught_by_the_file_hash_and_everything_refetched()
    {
        (HubFixture fixture, byte[] content) = await SameFileInTwoReposAsync(4 * 1024 * 1024, seed: 71);
        await using HubFixture f = fixture;
        long first = XorbBytes(f.Hub);
        MakeHeldRecordLie(f);
        var progress = new LastProgress();
        using var metrics = new MetricCapture();

        string path = await f.Api.DownloadFileAsync("other/two", "model.bin", new DownloadFileOptions { Progress = progress });

        Assert.Equal(content, await File.ReadAllBytesAsync(path));
        Assert.Equal(content.Length, progress.MostReused); // All of it was copied first,
        Assert.Equal(2 * first, XorbBytes(f.Hub)); // then fetched after the file hash failed,
        Assert.Equal(0, progress.Last.BytesReused); // and the progress says so,
        Assert.Equal(content.Length, progress.Last.BytesDownloaded);
        Assert.Equal(0, metrics.Sum("hubclient.download.bytes_reused")); // as does the reuse counter.
    }

    [Fact]
    public async Task Hub_download_does_not_count_copied_bytes_a_refetch_replaced_as_reused()
    {
        (HubFixture fixture, _) = await SameFileInTwoReposAsync(3 * 1024 * 1024, seed: 73);
        await using HubFixture f = fixture;
        MakeHeldRecordLie(f);

        CliResult snapshot = await CliRunner.RunAsync(f, ["download", "other/two", "--cache-dir", f.CacheDirectory]);

        Assert.Equal(0, snapshot.Code);
        Assert.Contains("done: 2 files", snapshot.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("reused", snapshot.Err, StringComparison.Ordinal);
    }

    /// <summary>
    /// Damages a chunk of acme/one's held blob and makes its record agree: every chunk a delta copies then matches its
    /// recorded hash, and only the file hash can tell.
    /// </summary>
    private static void MakeHeldRecordLie(HubFixture f)
    {
        string blob = Directory.GetFiles(Path.Combine(f.RepoDir("models--acme--one"), "blobs")).Single();
        string record = Directory.GetFiles(Path.Combine(f.RepoDir("models--acme--one"), "xet"), "*.json").Single();
        FlipByte(blob, 5);
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(record))!;
        System.Text.Json.Nodes.JsonNode term = json["terms"]![0]!;
        int chunkSize = (int)term["chunk_sizes"]![0]!;
        byte[] damaged = File.ReadAllBytes(blob)[..chunkSize];
        term["chunk_hashes"]![0] = HubClient.Xet.XetHasher.ChunkHash(damaged).ToString();
        File.WriteAllText(record, json.ToJsonString());
    }

    [Fact]
    public async Task A_held_blob_without_a_record_as_python_writes_it_is_learned_and_used()
    {
        (long wire, long reused) = await DeltaAsync(
            (f, _) => Directory.Delete(Path.Combine(f.RepoDir("models--acme--big-model"), "xet"), recursive: true),
            (f, first, second) =>
            {
                AssertRecord(f, first.Files["model.bin"]); // Learned once, kept for next time.
                AssertRecord(f, second.Files["model.bin"]);
            });

        Assert.True(wire < DeltaSize / 4, $"{wire} xorb bytes fetched");
        Assert.True(reused > DeltaSize / 2);
    }

    [Fact]
    public async Task Hub_download_says_how_much_it_fetched_and_how_much_it_reused()
    {
        (HubFixture fixture, _) = await SameFileInTwoReposAsync(3 * 1024 * 1024, seed: 61);
        await using HubFixture f = fixture;

        CliResult file = await CliRunner.RunAsync(f, ["download", "other/two", "model.bin", "--cache-dir", f.CacheDirectory]);
        // The CLI uses the shared store (on by default): without it, the snapshot's file comes from acme/one's chunks again.
        Directory.Delete(f.RepoDir("models--other--two"), recursive: true);
        Directory.Delete(Path.Combine(f.CacheDirectory, "blobs"), recursive: true);
        CliResult snapshot = await CliRunner.RunAsync(f, ["download", "other/two", "--cache-dir", f.CacheDirectory]);

        Assert.Equal(0, file.Code);
        Assert.Contains("downloaded model.bin (3.1 MB: 0 B fetched, 3.1 MB reused from the cache)", file.Err, StringComparison.Ordinal);
        Assert.Equal(0, snapshot.Code);
        Assert.Contains("(3.1 MB reused from Xet chunks already in the cache)", snapshot.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_damaged_held_blob_without_a_record_is_not_learned_and_the_download_stays_on_xet()
    {
        (long wire, _) = await DeltaAsync(
            (f, v1Path) =>
            {
                Directory.Delete(Path.Combine(f.RepoDir("models--acme--big-model"), "xet"), recursive: true);
                FlipByte(v1Path, 5); // Its Xet hash is now one the CAS does not know: learning it fails.
            },
            (f, _, _) => Assert.DoesNotContain(f.Hub.Requests, r => r.IsCdn));

        Assert.True(wire >= DeltaSize / 2, $"v2 came over Xet storage: {wire} xorb bytes");
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

    /// <summary>
    /// A Xet file in <c>acme/one</c> (downloaded) and in <c>other/two</c> beside a small file (not yet). The shared blob
    /// store is off: with it, the second repo links the store's entry and no delta is needed (SharedBlobStoreWriteTests).
    /// </summary>
    private static async Task<(HubFixture F, byte[] Content)> SameFileInTwoReposAsync(int size, int seed)
    {
        byte[] content = Pseudorandom(size, seed);
        var f = new HubFixture(o => o.DisableSharedBlobs = true);
        f.Hub.AddRepo("acme/one").Commit(c => c.AddXet("model.bin", content));
        f.Hub.AddRepo("other/two").Commit(c => c.AddXet("model.bin", content).Add("config.json", "{}"));
        await f.Api.DownloadFileAsync("acme/one", "model.bin");
        return (f, content);
    }

    /// <summary>
    /// v1 then v2 (1 MiB changed at 8 MiB) of a <see cref="DeltaSize"/> file, <paramref name="between"/> the two (given v1's
    /// path), <paramref name="check"/> after; returns v2's xorb bytes and bytes reused, once v2 is checked byte for byte.
    /// </summary>
    private static async Task<(long Wire, long Reused)> DeltaAsync(
        Action<HubFixture, string>? between = null, Action<HubFixture, FakeCommit, FakeCommit>? check = null)
    {
        byte[] v1 = Pseudorandom(DeltaSize, seed: 51);
        byte[] v2 = (byte[])v1.Clone();
        Pseudorandom(1024 * 1024, seed: 52).CopyTo(v2, 8 * 1024 * 1024);
        await using var f = new HubFixture();
        FakeRepo repo = f.Hub.AddRepo(Repo);
        FakeCommit first = repo.Commit(c => c.AddXet("model.bin", v1));
        FakeCommit second = repo.Commit(c => c.AddXet("model.bin", v2));
        string v1Path = await f.Api.DownloadFileAsync(Repo, "model.bin", new DownloadFileOptions { Revision = first.Sha });
        between?.Invoke(f, v1Path);
        long before = XorbBytes(f.Hub);
        var progress = new LastProgress();

        string path = await f.Api.DownloadFileAsync(Repo, "model.bin", new DownloadFileOptions { Revision = second.Sha, Progress = progress });

        Assert.Equal(v2, await File.ReadAllBytesAsync(path));
        check?.Invoke(f, first, second);
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

    [Fact]
    public async Task A_half_written_term_continues_from_its_ledger_prefix_and_is_never_copied_over()
    {
        // A copy stops at the first chunk that fails its hash, after writing the ones before it: over a prefix the ledger
        // vouches for, it would leave bytes the ledger's chunk hashes do not describe, and the file hash would pass.
        byte[] content = Bytes.Random(1_000_000, seed: 77);
        await using var f = new HubFixture(o => o.DisableSharedBlobs = true);
        f.Hub.AddRepo("acme/one").Commit(c => c.AddXet("model.bin", content));
        FakeCommit two = f.Hub.AddRepo("other/two").Commit(c => c.AddXet("model.bin", content));
        await f.Api.DownloadFileAsync("acme/one", "model.bin");
        FakeFile file = two.Files["model.bin"];
        IReadOnlyList<(int Offset, int Length)> chunks = file.XetChunks!;

        // acme/one's held blob: chunk 0 damaged with its record agreeing (a record that lies), chunk 1 damaged plainly.
        string blob = Directory.GetFiles(Path.Combine(f.RepoDir("models--acme--one"), "blobs")).Single();
        string record = Directory.GetFiles(Path.Combine(f.RepoDir("models--acme--one"), "xet"), "*.json").Single();
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(blob, File.GetUnixFileMode(blob) | UnixFileMode.UserWrite);
        byte[] held = File.ReadAllBytes(blob);
        held[5] ^= 0xFF;
        held[chunks[1].Offset + 5] ^= 0xFF;
        File.WriteAllBytes(blob, held);
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(record))!;
        json["terms"]![0]!["chunk_hashes"]![0] = HubClient.Xet.XetHasher.ChunkHash(held.AsSpan(0, chunks[0].Length)).ToString();
        File.WriteAllText(record, json.ToJsonString());

        // A previous run of other/two wrote chunks 0 and 1 of its first term and recorded them.
        string target = f.Temp.Combine("two.incomplete");
        string ledger = f.Temp.Combine("two.ledger");
        int prefix = chunks[0].Length + chunks[1].Length;
        using (Microsoft.Win32.SafeHandles.SafeFileHandle create = File.OpenHandle(target, FileMode.Create, FileAccess.ReadWrite))
        {
            RandomAccess.SetLength(create, file.Size);
            RandomAccess.Write(create, content.AsSpan(0, prefix), 0);
        }
        string Hash(int i) => HubClient.Xet.XetHasher.ChunkHash(content.AsSpan(chunks[i].Offset, chunks[i].Length)).ToString();
        File.WriteAllText(ledger, $"xet-ledger 1 {file.XetHash} {file.Size}\n0 {prefix} {Hash(0)}:{chunks[0].Length},{Hash(1)}:{chunks[1].Length}\n");

        using var client = new HttpClient(HubHttp.CreateHandler()) { Timeout = Timeout.InfiniteTimeSpan };
        var http = new HubHttp(client, f.Hub.CreateOptions(f.CacheDirectory, f.Hub.ValidToken));
        var request = new HubClient.Xet.XetFileRequest(RepoType.Model, "other/two", two.Sha, "model.bin", file.XetHash!, file.Size);
        using (Microsoft.Win32.SafeHandles.SafeFileHandle handle = File.OpenHandle(target, FileMode.Open, FileAccess.ReadWrite))
        {
            await new HubClient.Xet.XetFileDownloader(http).DownloadAsync(request, handle, ledger, null, null, null,
                new HubClient.Xet.XetReuse(f.CacheDirectory, null, null), CancellationToken.None);
        }

        byte[] written = File.ReadAllBytes(target);
        Assert.True(written.AsSpan().SequenceEqual(content), $"Verified, yet byte {written.AsSpan().CommonPrefixLength(content)} differs from the hub's content.");
    }

    private static long XorbBytes(FakeHub hub) => hub.Requests.Where(r => r.IsXorb).Sum(r => r.BytesSent);

    private sealed class LastProgress : IProgress<DownloadProgress>
    {
        private readonly Lock _lock = new();

        public DownloadProgress Last { get; private set; }

        public long MostReused { get; private set; }

        public void Report(DownloadProgress value)
        {
            lock (_lock)
            {
                Last = value;
                MostReused = Math.Max(MostReused, value.BytesReused);
            }
        }
    }
}
