namespace HubClient.Tests.Cache;

/// <summary><see cref="HubCache.Scan"/> on caches laid out by huggingface_hub (symlink and copy mode) and by HubClient.</summary>
public sealed class HubCacheScanTests : IDisposable
{
    private const string Model = "models--acme--tiny";
    private readonly TempDirectory _temp = new();
    private readonly PythonCacheBuilder _cache;
    private readonly string _main = PythonCacheBuilder.Commit("main");
    private readonly string _pr = PythonCacheBuilder.Commit("pr");

    public HubCacheScanTests() => _cache = new PythonCacheBuilder(_temp.Combine("hub"));

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Symlink_mode_cache_lists_repos_revisions_refs_and_files_counting_shared_blobs_once()
    {
        byte[] shared = PythonCacheBuilder.Content(1000, 1), weightsV1 = PythonCacheBuilder.Content(300, 2), weightsV2 = PythonCacheBuilder.Content(500, 3);
        string sharedBlob = _cache.AddFile(Model, _main, "config.json", shared);
        _cache.AddFile(Model, _main, "nested/deep/weights.bin", weightsV1);
        _cache.AddFile(Model, _pr, "config.json", shared);
        _cache.AddFile(Model, _pr, "nested/deep/weights.bin", weightsV2);
        _cache.SetRef(Model, "main", _main);
        _cache.SetRef(Model, "v1.0", _main);
        _cache.SetRef(Model, "refs/pr/1", _pr);
        _cache.AddFile("datasets--acme--squad", _main, "data.csv", PythonCacheBuilder.Content(42, 4));
        File.SetLastWriteTimeUtc(sharedBlob, new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        File.SetLastAccessTimeUtc(sharedBlob, new DateTime(2031, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        HubCacheInfo info = HubCache.Scan(_cache.CacheDirectory);

        Assert.Empty(info.Warnings);
        Assert.Equal(["datasets/acme/squad", "models/acme/tiny"], info.Repos.Select(r => r.ToString()));
        CachedRepo repo = info.FindRepo("acme/tiny")!;
        Assert.Equal(RepoType.Model, repo.RepoType);
        Assert.Equal(_cache.RepoDir(Model), repo.RepoPath);
        Assert.Equal(1800, repo.SizeOnDisk);                                       // three distinct blobs
        Assert.Equal(3, repo.FileCount);
        Assert.Equal(2800, repo.Revisions.Sum(r => r.SizeOnDisk));                // the shared blob counts in each revision
        Assert.Equal(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero), repo.LastModified);
        Assert.Equal(new DateTimeOffset(2031, 1, 1, 0, 0, 0, TimeSpan.Zero), repo.LastAccessed);
        Assert.Equal(["main", "refs/pr/1", "v1.0"], repo.Refs.Keys);
        Assert.Equal(_pr, repo.Refs["refs/pr/1"].CommitHash);

        CachedRevision main = repo.Refs["main"];
        Assert.Equal(["main", "v1.0"], main.Refs);
        Assert.False(main.IsDetached);
        Assert.Equal(Path.Combine(repo.RepoPath, "snapshots", _main), main.SnapshotPath);
        Assert.Equal(["config.json", "nested/deep/weights.bin"], main.Files.Select(f => f.RepoPath));
        CachedFile weights = main.Files[1];
        Assert.Equal("weights.bin", weights.FileName);
        Assert.True(weights.IsSymbolicLink);
        Assert.Equal(Path.Combine(repo.RepoPath, "blobs", PythonCacheBuilder.Sha256(weightsV1)), weights.BlobPath);
        Assert.Equal(Path.Combine(main.SnapshotPath, "nested", "deep", "weights.bin"), weights.FilePath);
        Assert.Equal(300, weights.SizeOnDisk);
        Assert.Equal(sharedBlob, main.Files[0].BlobPath);
        Assert.Equal(sharedBlob, repo.Refs["refs/pr/1"].Files[0].BlobPath);
        Assert.Equal(1842, info.SizeOnDisk);
        Assert.Equal(RepoType.Dataset, info.FindRepo("acme/squad", RepoType.Dataset)!.RepoType);
    }

    [Fact]
    public void Copy_mode_cache_counts_each_snapshot_file_as_its_own_blob()
    {
        byte[] config = PythonCacheBuilder.Content(100, 1);
        _cache.AddFile(Model, _main, "config.json", config, copyMode: true);
        _cache.AddFile(Model, _pr, "config.json", config, copyMode: true);
        _cache.SetRef(Model, "main", _main);

        CachedRepo repo = Assert.Single(HubCache.Scan(_cache.CacheDirectory).Repos);

        Assert.Equal(200, repo.SizeOnDisk);
        Assert.Equal(2, repo.FileCount);
        CachedFile file = repo.Refs["main"].Files.Single();
        Assert.False(file.IsSymbolicLink);
        Assert.Equal(file.FilePath, file.BlobPath);
        Assert.True(repo.Revisions.Single(r => r.CommitHash == _pr).IsDetached);
    }

    [Fact]
    public void Malformed_parts_become_warnings_and_the_rest_is_still_listed()
    {
        _cache.AddFile(Model, _main, "config.json", PythonCacheBuilder.Content(10, 1));
        _cache.SetRef(Model, "main", _main);
        string root = _cache.CacheDirectory;
        File.WriteAllText(Path.Combine(root, "stray.txt"), "x");
        Directory.CreateDirectory(Path.Combine(root, "not-a-repo"));
        Directory.CreateDirectory(Path.Combine(root, "widgets--acme--x"));
        foreach (string ignored in new[] { ".DS_Store", "CACHEDIR.TAG", "Thumbs.db" }) File.WriteAllText(Path.Combine(root, ignored), "");
        Directory.CreateDirectory(Path.Combine(root, ".locks", Model));
        Directory.CreateDirectory(Path.Combine(root, "models--acme--no-snapshots", "blobs"));
        string repo = _cache.RepoDir(Model);
        File.WriteAllText(Path.Combine(repo, "snapshots", "stray-file"), "x");
        File.CreateSymbolicLink(Path.Combine(repo, "snapshots", _main, "gone.bin"), "../../blobs/" + new string('a', 64));
        _cache.SetRef(Model, "old-branch", PythonCacheBuilder.Commit("vanished"));
        _cache.SetRef(Model, "garbage", "not a commit");
        string outside = _temp.Combine("outside.bin");
        File.WriteAllText(outside, "outside");
        File.CreateSymbolicLink(Path.Combine(repo, "snapshots", _main, "linked-out.bin"), outside);
        Directory.CreateDirectory(_temp.Combine("outside-dir"));
        Directory.CreateSymbolicLink(Path.Combine(repo, "snapshots", _main, "linked-dir"), _temp.Combine("outside-dir"));

        HubCacheInfo info = HubCache.Scan(root);

        Assert.Equal(
            [
                CacheWarningKind.StrayFile, CacheWarningKind.StrayFile, CacheWarningKind.UnknownFolder, CacheWarningKind.UnknownFolder,
                CacheWarningKind.MissingSnapshotsFolder, CacheWarningKind.BrokenSymlink, CacheWarningKind.LinkOutsideBlobs,
                CacheWarningKind.LinkedFolder, CacheWarningKind.RefToMissingSnapshot, CacheWarningKind.InvalidRef,
            ],
            info.Warnings.Select(w => w.Kind).Order());
        Assert.Contains(info.Warnings, w => w.Kind == CacheWarningKind.StrayFile && w.Path == Path.Combine(root, "stray.txt"));
        Assert.Contains(info.Warnings, w => w.Kind == CacheWarningKind.BrokenSymlink && w.Path.EndsWith("gone.bin", StringComparison.Ordinal));
        Assert.Contains(info.Warnings, w => w.Kind == CacheWarningKind.RefToMissingSnapshot && w.Path.EndsWith("old-branch", StringComparison.Ordinal));

        Assert.Equal(["acme/no-snapshots", "acme/tiny"], info.Repos.Select(r => r.RepoId));
        CachedRevision main = info.FindRepo("acme/tiny")!.Refs["main"];
        Assert.Equal(["config.json", "linked-out.bin"], main.Files.Select(f => f.RepoPath));
        Assert.Equal(outside, main.Files[1].BlobPath);
        Assert.Empty(info.FindRepo("acme/no-snapshots")!.Revisions);
    }

    [Fact]
    public void Partial_downloads_are_listed_with_their_sidecars()
    {
        _cache.AddFile(Model, _main, "config.json", PythonCacheBuilder.Content(10, 1));
        string blobs = Path.Combine(_cache.RepoDir(Model), "blobs");
        string etag = new('b', 64);
        File.WriteAllBytes(Path.Combine(blobs, etag + ".incomplete"), new byte[700]);
        File.WriteAllBytes(Path.Combine(blobs, etag + ".incomplete.json"), new byte[20]);
        File.WriteAllBytes(Path.Combine(blobs, etag + ".1a2b3c4d.incomplete"), new byte[5]);

        HubCacheInfo info = HubCache.Scan(_cache.CacheDirectory);

        Assert.Equal(2, info.IncompleteDownloads.Count);
        CachedIncompleteDownload resumable = info.IncompleteDownloads.Single(i => i.IsResumable);
        Assert.Equal(etag, resumable.Etag);
        Assert.Equal(720, resumable.SizeOnDisk);
        Assert.Equal([Path.Combine(blobs, etag + ".incomplete.json")], resumable.Sidecars);
        CachedIncompleteDownload temp = info.IncompleteDownloads.Single(i => !i.IsResumable);
        Assert.Equal(etag, temp.Etag);
        Assert.Equal(725, info.IncompleteSizeOnDisk);
        Assert.Empty(info.Warnings);
        Assert.Equal(10, info.SizeOnDisk); // partials are not part of a repo's size
    }

    [Fact]
    public void Empty_snapshot_folder_is_a_revision_without_files_dated_by_the_folder()
    {
        string snapshot = Path.Combine(_cache.RepoDir(Model), "snapshots", _main);
        Directory.CreateDirectory(snapshot);
        Directory.SetLastWriteTimeUtc(snapshot, new DateTime(2020, 5, 5, 0, 0, 0, DateTimeKind.Utc));

        CachedRevision revision = Assert.Single(Assert.Single(HubCache.Scan(_cache.CacheDirectory).Repos).Revisions);

        Assert.Equal(0, revision.FileCount);
        Assert.Equal(new DateTimeOffset(2020, 5, 5, 0, 0, 0, TimeSpan.Zero), revision.LastModified);
    }

    [Fact]
    public void A_missing_folder_or_a_file_is_refused()
    {
        Assert.Throws<DirectoryNotFoundException>(() => HubCache.Scan(_temp.Combine("nope")));
        File.WriteAllText(_temp.Combine("file"), "");
        Assert.Throws<ArgumentException>(() => HubCache.Scan(_temp.Combine("file")));
    }

    [Fact]
    public void The_default_cache_folder_is_the_one_HubApi_uses()
    {
        Assert.Equal(HubApiOptions.FromEnvironment().CacheDirectory, HubCache.DefaultCacheDirectory);
    }

    [Fact]
    public async Task A_cache_written_by_HubClient_scans_cleanly_in_both_modes()
    {
        await using var f = new HubFixture();
        FakeCommit commit = f.Hub.AddRepo("acme/tiny").Commit(c => c.Add("config.json", "{}").AddLfs("w/model.bin", Bytes.Random(5000)));
        await f.Api.DownloadFileAsync("acme/tiny", "config.json");
        await f.Api.DownloadFileAsync("acme/tiny", "w/model.bin");
        f.Hub.AddRepo("acme/copy", RepoType.Dataset).Commit(c => c.Add("a.txt", "aaa"));
        using HubApi copy = f.NewClient(o => o.DisableSymlinks = true);
        await copy.DownloadFileAsync("acme/copy", "a.txt", new DownloadFileOptions { RepoType = RepoType.Dataset });

        HubCacheInfo info = HubCache.Scan(f.CacheDirectory);

        Assert.Empty(info.Warnings);
        Assert.Empty(info.IncompleteDownloads);
        CachedRepo repo = info.FindRepo("acme/tiny")!;
        Assert.Equal(commit.Sha, repo.Refs["main"].CommitHash);
        Assert.Equal(["config.json", "w/model.bin"], repo.Refs["main"].Files.Select(f => f.RepoPath));
        Assert.Equal(5002, repo.SizeOnDisk);
        Assert.False(info.FindRepo("acme/copy", RepoType.Dataset)!.Revisions.Single().Files.Single().IsSymbolicLink);
    }
}
