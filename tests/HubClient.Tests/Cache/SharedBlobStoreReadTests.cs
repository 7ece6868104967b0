namespace HubClient.Tests.Cache;

/// <summary>
/// A cache laid out by hand exactly as huggingface_hub's shared blob store rules say (<see cref="SharedStoreCacheBuilder"/>,
/// no HubClient writer involved): HubClient reads it online and offline with no transfer, scans it with the right sizes
/// and no warnings, verifies every payload through the links, and deletes revisions removing exactly the right links,
/// collecting a payload only when nothing references it any more.
/// </summary>
public sealed class SharedBlobStoreReadTests : IAsyncLifetime
{
    private static readonly byte[] A = Bytes.Random(300_000, seed: 11);
    private static readonly byte[] B = Bytes.Random(200_000, seed: 12);
    private static readonly byte[] C = Bytes.Random(100_000, seed: 13);
    private const string One = "models--acme--one";
    private const string Two = "models--acme--two";

    private readonly HubFixture _f = new();
    private SharedStoreCacheBuilder _cache = null!;
    private FakeCommit _c1 = null!, _c2 = null!, _c3 = null!;
    private FakeFile _a = null!, _b = null!, _c = null!, _config = null!;

    public Task InitializeAsync()
    {
        FakeRepo one = _f.Hub.AddRepo("acme/one");
        _c1 = one.Commit(c => c.AddXet("a.bin", A).AddXet("nested/b.bin", B).Add("config.json", "{\"x\":1}"));
        _c2 = one.Commit(c => c.Remove("nested/b.bin"));
        _c3 = _f.Hub.AddRepo("acme/two").Commit(c => c.AddXet("a.bin", A).AddXet("c.bin", C));
        (_a, _b, _c, _config) = (_c1.Files["a.bin"], _c1.Files["nested/b.bin"], _c3.Files["c.bin"], _c1.Files["config.json"]);

        _cache = new SharedStoreCacheBuilder(_f.CacheDirectory);
        _cache.Mark();
        _cache.AddEntry(_a.XetHash!, A, $"{One}/blobs/{_a.Etag}", $"{Two}/blobs/{_a.Etag}");
        _cache.AddEntry(_b.XetHash!, B, $"{One}/blobs/{_b.Etag}");
        _cache.AddEntry(_c.XetHash!, C, references: null); // A manifest lost: the entry must never be collected.

        _cache.LinkBlob(One, _a.Etag, _a.XetHash!);
        _cache.LinkBlob(One, _b.Etag, _b.XetHash!);
        _cache.LocalBlob(One, _config.Etag, _config.Content);
        foreach (FakeCommit commit in new[] { _c1, _c2 })
        {
            foreach (FakeFile file in commit.Files.Values) _cache.Snapshot(One, commit.Sha, file.Path, file.Etag);
        }
        _cache.Ref(One, "main", _c2.Sha);

        _cache.LinkBlob(Two, _a.Etag, _a.XetHash!);
        _cache.LinkBlob(Two, _c.Etag, _c.XetHash!);
        _cache.Snapshot(Two, _c3.Sha, "a.bin", _a.Etag);
        _cache.Snapshot(Two, _c3.Sha, "c.bin", _c.Etag);
        _cache.Ref(Two, "main", _c3.Sha);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    [Fact]
    public async Task Files_are_read_through_the_store_online_with_no_transfer_and_offline()
    {
        string a = await _f.Api.DownloadFileAsync("acme/one", "a.bin");
        string c = await _f.Api.DownloadFileAsync("acme/two", "c.bin");
        string b = await _f.Api.DownloadFileAsync("acme/one", "nested/b.bin", new DownloadFileOptions { Revision = _c1.Sha });
        string snapshot = await _f.Api.DownloadSnapshotAsync("acme/two");

        Assert.Equal(Path.Combine(_f.CacheDirectory, One, "snapshots", _c2.Sha, "a.bin"), a);
        Assert.Equal(A, await File.ReadAllBytesAsync(a));
        Assert.Equal(C, await File.ReadAllBytesAsync(c));
        Assert.Equal(B, await File.ReadAllBytesAsync(b));
        Assert.Equal(A, await File.ReadAllBytesAsync(Path.Combine(snapshot, "a.bin")));
        Assert.DoesNotContain(_f.Hub.Requests, r => r.IsXorb || r.IsCas || r.IsCdn || r.Path.Contains("/resolve/", StringComparison.Ordinal) && r.Method == "GET");
        Assert.Equal("../../blobs/" + _a.XetHash![..2] + "/" + _a.XetHash, new FileInfo(_cache.RepoBlob(One, _a.Etag)).LinkTarget); // Untouched.

        using HubApi offline = _f.NewClient(o => o.Offline = true);
        Assert.Equal(C, await File.ReadAllBytesAsync(await offline.DownloadFileAsync("acme/two", "c.bin")));
        Assert.Equal(B, await File.ReadAllBytesAsync(await offline.DownloadFileAsync("acme/one", "nested/b.bin", new DownloadFileOptions { Revision = _c1.Sha })));
        Assert.Equal(A, await File.ReadAllBytesAsync(await offline.DownloadFileAsync("acme/one", "a.bin", new DownloadFileOptions { LocalFilesOnly = true })));
    }

    [Fact]
    public void Scan_counts_each_repo_with_its_payloads_and_the_cache_once_with_no_warnings()
    {
        HubCacheInfo info = HubCache.Scan(_f.CacheDirectory);

        Assert.Empty(info.Warnings);
        Assert.Equal(["acme/one", "acme/two"], info.Repos.Select(r => r.RepoId));
        CachedRepo one = info.FindRepo("acme/one")!;
        CachedRepo two = info.FindRepo("acme/two")!;
        Assert.Equal(A.Length + B.Length + _config.Size, one.SizeOnDisk);
        Assert.Equal(3, one.FileCount);
        Assert.Equal(A.Length + C.Length, two.SizeOnDisk);
        CachedFile a = one.Refs["main"].Files.Single(f => f.RepoPath == "a.bin");
        Assert.Equal(_cache.RepoBlob(One, _a.Etag), a.BlobPath);
        Assert.Equal(_cache.Entry(_a.XetHash!), a.SharedBlobPath);
        Assert.Equal(A.Length, a.SizeOnDisk);
        Assert.Null(one.Refs["main"].Files.Single(f => f.RepoPath == "config.json").SharedBlobPath);

        Assert.Equal(A.Length + B.Length + C.Length, info.SharedBlobStoreSize);
        Assert.Equal(A.Length, info.SharedBlobStoreSavedBytes); // A is linked by two repos and kept once.
        Assert.Equal(A.Length + B.Length + C.Length + _config.Size, info.SizeOnDisk);
    }

    [Fact]
    public async Task Verify_reads_every_payload_through_its_link_and_finds_a_damaged_one()
    {
        CacheVerifyReport healthy = await HubCache.VerifyAsync(_f.CacheDirectory);

        Assert.Empty(healthy.Corrupt);
        Assert.Empty(healthy.Orphaned);
        Assert.Equal(5, healthy.BlobsVerified); // one: a, b, config; two: a, c.
        Assert.Equal(2L * A.Length + B.Length + C.Length + _config.Size, healthy.BytesVerified);

        byte[] damaged = (byte[])C.Clone();
        damaged[777] ^= 0x40;
        File.WriteAllBytes(_cache.Entry(_c.XetHash!), damaged);
        CacheVerifyReport report = await HubCache.VerifyAsync(_f.CacheDirectory);

        CorruptBlob corrupt = Assert.Single(report.Corrupt);
        Assert.Equal(_cache.RepoBlob(Two, _c.Etag), corrupt.BlobPath);
        Assert.Equal(Bytes.Sha256(damaged), corrupt.Actual);

        CacheVerifyReport fixedUp = await HubCache.VerifyAsync(_f.CacheDirectory, new CacheVerifyOptions { CorruptBlobs = CorruptBlobAction.Delete });
        Assert.Single(fixedUp.Corrupt);
        Assert.False(File.Exists(_cache.Entry(_c.XetHash!)));
        Assert.False(SafeDelete.Exists(_cache.RepoBlob(Two, _c.Etag)));
        Assert.False(SafeDelete.Exists(Path.Combine(_f.CacheDirectory, Two, "snapshots", _c3.Sha, "c.bin")));
        Assert.Equal(A, File.ReadAllBytes(_cache.Entry(_a.XetHash!))); // Only the damaged payload went.
    }

    [Fact]
    public void Deleting_revisions_removes_exactly_the_unused_links_and_collects_only_unreferenced_payloads()
    {
        // c1 goes: b.bin is used by no other revision, a.bin and config.json still are (c2).
        CacheDeletePlan first = HubCache.Scan(_f.CacheDirectory).DeleteRevisions(_c1.Sha);
        Assert.Equal([_cache.RepoBlob(One, _b.Etag)], first.Blobs);
        Assert.Equal([_cache.Entry(_b.XetHash!)], first.SharedBlobs);
        Assert.Equal(B.Length, first.ExpectedBytesFreed);

        CacheDeleteResult firstResult = first.Execute();

        Assert.Empty(firstResult.NotDeleted);
        Assert.Equal(B.Length, firstResult.BytesFreed);
        Assert.False(SafeDelete.Exists(_cache.RepoBlob(One, _b.Etag)));
        Assert.False(File.Exists(_cache.Entry(_b.XetHash!)));
        Assert.False(File.Exists(_cache.Manifest(_b.XetHash!)));
        Assert.True(File.Exists(_cache.RepoBlob(One, _a.Etag)));
        Assert.Equal($"{One}/blobs/{_a.Etag}\n{Two}/blobs/{_a.Etag}\n", File.ReadAllText(_cache.Manifest(_a.XetHash!)));

        // All of acme/two goes: A is still linked from acme/one, and C's manifest is missing, so both payloads stay.
        CacheDeletePlan second = HubCache.Scan(_f.CacheDirectory).DeleteRevisions(_c3.Sha);
        Assert.Equal([Path.Combine(_f.CacheDirectory, Two)], second.Repos);
        Assert.Equal(new[] { _cache.Entry(_a.XetHash!), _cache.Entry(_c.XetHash!) }.Order(StringComparer.Ordinal), second.SharedBlobs);
        Assert.Equal(40, second.ExpectedBytesFreed); // refs/main only: the repo's links free nothing, and no payload goes.

        CacheDeleteResult secondResult = second.Execute();

        Assert.Equal(40, secondResult.BytesFreed);
        Assert.False(Directory.Exists(Path.Combine(_f.CacheDirectory, Two)));
        Assert.Equal(A, File.ReadAllBytes(_cache.Entry(_a.XetHash!)));
        Assert.Equal(C, File.ReadAllBytes(_cache.Entry(_c.XetHash!)));
        Assert.Equal($"{One}/blobs/{_a.Etag}\n", File.ReadAllText(_cache.Manifest(_a.XetHash!))); // Rewritten to the valid reference.
        Assert.False(File.Exists(_cache.Manifest(_c.XetHash!)));

        HubCacheInfo after = HubCache.Scan(_f.CacheDirectory);
        Assert.Empty(after.Warnings);
        Assert.Equal(A.Length + C.Length, after.SharedBlobStoreSize);
        Assert.Equal(0, after.SharedBlobStoreSavedBytes);
        Assert.Equal(A, File.ReadAllBytes(Path.Combine(_f.CacheDirectory, One, "snapshots", _c2.Sha, "a.bin")));
    }

    [Fact]
    public async Task Hub_cache_scan_shows_the_store_size_and_what_it_saves()
    {
        Cli.CliResult run = await Cli.CliRunner.RunAsync(_f, ["cache", "scan", "--cache-dir", _f.CacheDirectory]);
        Cli.CliResult json = await Cli.CliRunner.RunAsync(_f, ["cache", "scan", "--json", "--cache-dir", _f.CacheDirectory]);

        Assert.Equal(0, run.Code);
        Assert.Equal("", run.Err);
        string store = Assert.Single(run.OutLines, l => l.StartsWith("Shared blob store", StringComparison.Ordinal));
        Assert.Contains(_cache.Store, store, StringComparison.Ordinal);
        Assert.Contains("600.0 KB", store, StringComparison.Ordinal); // A + B + C = 600,000 bytes.
        Assert.Contains("saving 300.0 KB", store, StringComparison.Ordinal); // A, linked by two repos.
        using var doc = System.Text.Json.JsonDocument.Parse(json.Out);
        Assert.Equal(A.Length + B.Length + C.Length, doc.RootElement.GetProperty("sharedBlobStoreSize").GetInt64());
        Assert.Equal(A.Length, doc.RootElement.GetProperty("sharedBlobStoreSavedBytes").GetInt64());
        Assert.Empty(doc.RootElement.GetProperty("warnings").EnumerateArray());
    }

    [Fact]
    public async Task Hub_cache_delete_lists_the_shared_entries_it_sweeps_and_frees_the_unreferenced_one()
    {
        Cli.CliResult run = await Cli.CliRunner.RunAsync(_f, ["cache", "delete", _c1.Sha, "--yes", "--verbose", "--cache-dir", _f.CacheDirectory]);

        Assert.Equal(0, run.Code);
        Assert.Contains(run.OutLines, l => l.Trim() == "shared blob     " + Path.GetRelativePath(_f.CacheDirectory, _cache.Entry(_b.XetHash!)));
        Assert.Contains(run.OutLines, l => l.StartsWith("Deleted ", StringComparison.Ordinal) && l.EndsWith("freed 200.0 KB.", StringComparison.Ordinal));
        Assert.False(File.Exists(_cache.Entry(_b.XetHash!)));
        Assert.True(File.Exists(_cache.Entry(_a.XetHash!)));
    }

    [Fact]
    public void Prune_collects_payloads_no_repo_links_to_any_more_but_never_one_without_a_manifest()
    {
        SafeDelete.Delete(Path.Combine(_f.CacheDirectory, Two), _f.CacheDirectory); // Removed by hand: its links are gone, the manifests still name them.

        CacheDeletePlan plan = HubCache.Scan(_f.CacheDirectory).Prune(new CachePruneOptions { DetachedRevisions = false });

        Assert.Empty(plan.SharedBlobs); // A is still linked from acme/one; C has no manifest; B is linked from acme/one's c1.
        SafeDelete.Delete(_cache.RepoBlob(One, _b.Etag), _f.CacheDirectory);
        plan = HubCache.Scan(_f.CacheDirectory).Prune(new CachePruneOptions { DetachedRevisions = false });
        Assert.Equal([_cache.Entry(_b.XetHash!)], plan.SharedBlobs);
        Assert.Equal(B.Length, plan.ExpectedBytesFreed);

        CacheDeleteResult result = plan.Execute();

        Assert.Equal(B.Length, result.BytesFreed);
        Assert.False(File.Exists(_cache.Entry(_b.XetHash!)));
        Assert.True(File.Exists(_cache.Entry(_a.XetHash!)));
        Assert.True(File.Exists(_cache.Entry(_c.XetHash!)));
    }

    [Fact]
    public void An_unmarked_blobs_folder_is_not_taken_for_the_store()
    {
        File.Delete(Path.Combine(_cache.Store, ".huggingface-shared-blobs"));

        HubCacheInfo info = HubCache.Scan(_f.CacheDirectory);

        Assert.Contains(info.Warnings, w => w.Path == _cache.Store);
        Assert.Equal(0, info.SharedBlobStoreSize);
        Assert.Empty(HubCache.Scan(_f.CacheDirectory).DeleteRevisions(_c1.Sha).SharedBlobs);
    }
}
