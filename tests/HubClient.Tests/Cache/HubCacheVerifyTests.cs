namespace HubClient.Tests.Cache;

/// <summary>
/// <see cref="HubCache.VerifyAsync"/> re-hashes blobs against their names, reports corrupt, missing and orphaned blobs,
/// and (when asked) moves corrupt ones out of the way so that the next download fetches them again.
/// </summary>
public sealed class HubCacheVerifyTests : IAsyncLifetime
{
    private const string Repo = "acme/tiny-model";
    private static readonly byte[] Weights = Bytes.Random(300_000, seed: 51);
    private readonly HubFixture _f = new();
    private FakeCommit _commit = null!;

    public async Task InitializeAsync()
    {
        _commit = _f.Hub.AddRepo(Repo).Commit(c => c.Add("config.json", "{\"a\": 1}").Add("nested/vocab.txt", "x y").AddLfs("model.bin", Weights));
        foreach (string path in new[] { "config.json", "nested/vocab.txt", "model.bin" }) await _f.Api.DownloadFileAsync(Repo, path);
        _f.Hub.ClearRequests();
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    private string RepoDir => _f.RepoDir("models--acme--tiny-model");

    private string LfsBlob => Path.Combine(RepoDir, "blobs", Bytes.Sha256(Weights));

    private string GitBlob => Path.Combine(RepoDir, "blobs", _commit.Files["config.json"].GitSha1);

    private string Snapshot(string path) => Path.Combine([RepoDir, "snapshots", _commit.Sha, .. path.Split('/')]);

    [Fact]
    public async Task A_healthy_cache_verifies_every_blob_with_progress_up_to_the_total()
    {
        var reports = new List<CacheVerifyProgress>();

        CacheVerifyReport report = await HubCache.VerifyAsync(_f.CacheDirectory, new CacheVerifyOptions { Progress = new SynchronousProgress<CacheVerifyProgress>(reports.Add) });

        Assert.True(report.IsHealthy);
        Assert.Equal(3, report.BlobsVerified);
        Assert.Equal(Weights.Length + 8 + 3, report.BytesVerified);
        Assert.Empty(report.Orphaned);
        Assert.Empty(report.Unverifiable);
        Assert.Equal(new CacheVerifyProgress(null, 3, 3, report.BytesVerified, report.BytesVerified), reports[^1]);
        Assert.True(reports.Select(r => r.BytesDone).SequenceEqual(reports.Select(r => r.BytesDone).Order()));
    }

    [Fact]
    public async Task Corrupt_sha256_and_git_sha1_blobs_are_reported_without_writing_anything()
    {
        Corrupt(LfsBlob, 1234);
        Corrupt(GitBlob, 2);
        IReadOnlyList<string> before = CacheListing.Of(_f.CacheDirectory);

        CacheVerifyReport report = await HubCache.VerifyAsync(_f.CacheDirectory);

        Assert.False(report.IsHealthy);
        Assert.Equal(new[] { LfsBlob, GitBlob }.Order(), report.Corrupt.Select(c => c.BlobPath).Order());
        CorruptBlob lfs = report.Corrupt.Single(c => c.BlobPath == LfsBlob);
        Assert.Equal(Bytes.Sha256(Weights), lfs.Expected);
        Assert.Equal(CacheInvariants.HashOf(LfsBlob, new string('0', 64)), lfs.Actual);
        Assert.Null(lfs.MovedTo);
        Assert.False(lfs.Deleted);
        Assert.Equal(before, CacheListing.Of(_f.CacheDirectory));
    }

    [Theory]
    [InlineData(CorruptBlobAction.MoveAside)]
    [InlineData(CorruptBlobAction.Delete)]
    public async Task A_corrupt_blob_moved_aside_or_deleted_is_fetched_again_by_the_next_download(CorruptBlobAction action)
    {
        Corrupt(LfsBlob, 99);

        CacheVerifyReport report = await HubCache.VerifyAsync(_f.CacheDirectory, new CacheVerifyOptions { CorruptBlobs = action, RepoId = Repo });

        CorruptBlob corrupt = Assert.Single(report.Corrupt);
        Assert.Equal([Snapshot("model.bin")], corrupt.RemovedLinks);
        Assert.False(File.Exists(LfsBlob));
        Assert.False(CacheInvariants.EntryExists(Snapshot("model.bin")), "No snapshot entry may keep pointing at the bad bytes.");
        if (action == CorruptBlobAction.MoveAside)
        {
            Assert.Matches(@"\.corrupt-\d{8}T\d{9}Z$", corrupt.MovedTo);
            Assert.True(File.Exists(corrupt.MovedTo));
            Assert.Contains(HubCache.Scan(_f.CacheDirectory).Warnings, w => w.Kind == CacheWarningKind.SetAsideBlob && w.Path == corrupt.MovedTo);
        }
        else
        {
            Assert.True(corrupt.Deleted);
        }
        CacheInvariants.AssertNoUnverifiedBlob(_f.CacheDirectory);

        string path = await _f.Api.DownloadFileAsync(Repo, "model.bin");

        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        Assert.Single(_f.Hub.Requests, r => r.IsCdn);
        Assert.True((await HubCache.VerifyAsync(_f.CacheDirectory)).IsHealthy);
    }

    [Fact]
    public async Task A_missing_blob_is_reported_and_its_dangling_link_is_never_handed_out()
    {
        File.Delete(GitBlob);

        CacheVerifyReport report = await HubCache.VerifyAsync(_f.CacheDirectory);

        MissingBlob missing = Assert.Single(report.Missing);
        Assert.Equal(Snapshot("config.json"), missing.SnapshotPath);
        Assert.Equal(GitBlob, missing.BlobPath);
        Assert.False(report.IsHealthy);

        // Offline, the dangling entry is not a cached file; online it is fetched again.
        using HubApi offline = _f.NewClient(o => o.Offline = true);
        await Assert.ThrowsAsync<LocalEntryNotFoundException>(() => offline.DownloadFileAsync(Repo, "config.json"));
        await Assert.ThrowsAsync<LocalEntryNotFoundException>(() => offline.DownloadFileAsync(Repo, "config.json", new DownloadFileOptions { Revision = _commit.Sha }));
        Assert.Equal("{\"a\": 1}", Bytes.Text(await _f.Api.DownloadFileAsync(Repo, "config.json", new DownloadFileOptions { Revision = _commit.Sha })));
        Assert.True((await HubCache.VerifyAsync(_f.CacheDirectory)).IsHealthy);
    }

    [Fact]
    public async Task Orphaned_and_unverifiable_blobs_are_listed()
    {
        string orphan = Path.Combine(RepoDir, "blobs", Bytes.Sha256([1, 2, 3]));
        await File.WriteAllBytesAsync(orphan, [1, 2, 3]);
        string odd = Path.Combine(RepoDir, "blobs", "not-a-hash-etag");
        await File.WriteAllBytesAsync(odd, [4]);
        using HubApi copy = _f.NewClient(o => o.DisableSymlinks = true);
        _f.Hub.AddRepo("acme/copy").Commit(c => c.Add("a.txt", "a"));
        string copied = await copy.DownloadFileAsync("acme/copy", "a.txt");

        CacheVerifyReport report = await HubCache.VerifyAsync(_f.CacheDirectory);

        Assert.True(report.IsHealthy);
        Assert.Equal(new[] { orphan, odd }.Order(), report.Orphaned.Order());
        Assert.Equal(new[] { odd, copied }.Order(), report.Unverifiable.Order());
        Assert.Equal(4, report.BlobsVerified);
    }

    [Fact]
    public async Task One_repo_can_be_verified_alone()
    {
        _f.Hub.AddRepo("acme/other").Commit(c => c.Add("b.txt", "b"));
        await _f.Api.DownloadFileAsync("acme/other", "b.txt");
        Corrupt(LfsBlob, 0);

        CacheVerifyReport other = await HubCache.VerifyAsync(_f.CacheDirectory, new CacheVerifyOptions { RepoId = "acme/other" });
        CacheVerifyReport all = await HubCache.VerifyAsync(_f.CacheDirectory);

        Assert.Equal(1, other.BlobsVerified);
        Assert.True(other.IsHealthy);
        Assert.Equal(4, all.BlobsVerified);
        Assert.Single(all.Corrupt);
        await Assert.ThrowsAsync<ArgumentException>(() => HubCache.VerifyAsync(_f.CacheDirectory, new CacheVerifyOptions { RepoId = "../escape" }));
    }

    private static void Corrupt(string path, int offset)
    {
        byte[] bytes = File.ReadAllBytes(path);
        bytes[offset] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
    }
}
