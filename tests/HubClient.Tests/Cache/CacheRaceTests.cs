namespace HubClient.Tests.Cache;

/// <summary>
/// Cache operations (delete, prune, verify, scan) racing with downloads or meeting odd caches (written by a review that
/// found each race losing data or throwing; the comments say what happened before the fix). Races are
/// made deterministic with the library's own signals: <see cref="CrashPoints"/> (reached inside the download, gated to this
/// test's async flow) and the verifier's inline progress callback.
/// </summary>
public sealed class CacheRaceTests : IAsyncLifetime
{
    private const string Repo = "acme/race";
    private const string Folder = "models--acme--race";
    private static readonly byte[] Weights = Bytes.Random(200_000, 7);
    private static readonly AsyncLocal<bool> Ours = new();
    private readonly HubFixture _f = new();
    private FakeCommit _c0 = null!, _c1 = null!, _c2 = null!;

    public Task InitializeAsync()
    {
        FakeRepo repo = _f.Hub.AddRepo(Repo);
        _c0 = repo.Commit(c => c.Add("config.json", "{\"v\":0}"));
        _c1 = repo.Commit(c => c.Add("config.json", "{\"v\":1}").AddLfs("model.bin", Weights));
        _c2 = repo.Commit(c => c.Add("config.json", "{\"v\":2}"));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        CrashPoints.Hook = null;
        await _f.DisposeAsync();
    }

    private string RepoDir => _f.RepoDir(Folder);

    private string BlobOf(byte[] content) => Path.Combine(RepoDir, "blobs", Bytes.Sha256(content));

    /// <summary>A repo as huggingface_hub writes it: main with one small file.</summary>
    private void AddPythonRepo()
    {
        var cache = new PythonCacheBuilder(_f.CacheDirectory);
        string main = PythonCacheBuilder.Commit("main");
        cache.AddFile(Folder, main, "a.bin", Bytes.Random(10, 1));
        cache.SetRef(Folder, "main", main);
    }

    /// <summary>Runs <paramref name="action"/> once, the first time this test's download reaches <paramref name="point"/>.</summary>
    private static void OnceAt(string point, Action action)
    {
        int fired = 0;
        CrashPoints.Hook = reached =>
        {
            if (reached == point && Ours.Value && Interlocked.Exchange(ref fired, 1) == 0) action();
        };
    }

    /// <summary>
    /// A revision is deleted (hub cache delete, another process) while a download of a newer revision that holds the same
    /// blob is between "the blob is already published" and "the snapshot link is made". The delete re-checks the snapshot
    /// links (none to the blob yet) and deletes it; the download checks its link and fetches the blob again (before: it
    /// returned a dangling link). In copy mode (DisableSymlinks) the copy finds no blob and the blob is fetched again too
    /// (before: FileNotFoundException, the download failed).
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_revision_deleted_while_a_download_links_its_blob_is_fetched_again(bool copyMode)
    {
        await _f.Api.DownloadFileAsync(Repo, "config.json", new DownloadFileOptions { Revision = _c0.Sha });
        await _f.Api.DownloadFileAsync(Repo, "model.bin", new DownloadFileOptions { Revision = _c1.Sha });
        CacheDeletePlan plan = HubCache.Scan(_f.CacheDirectory).DeleteRevisions(_c1.Sha);
        Assert.Equal([BlobOf(Weights)], plan.Blobs);

        // c2 does not change model.bin: same etag, same blob (in copy mode, written by the symlink-mode client above).
        using HubApi client = _f.NewClient(o => o.DisableSymlinks = copyMode);
        OnceAt(CrashPoints.BlobPublished, () => plan.Execute());
        Ours.Value = true;
        string path = await client.DownloadFileAsync(Repo, "model.bin", new DownloadFileOptions { Revision = _c2.Sha });

        Assert.True(EntryPresence.IsPresent(path, Weights.Length), $"DownloadFileAsync returned {path}, a link to a blob the delete removed.");
        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
    }

    /// <summary>Same race through prune: the old main is detached once the download of the new main recorded its ref.</summary>
    [Fact]
    public async Task Prune_of_the_old_revision_while_the_new_one_downloads_leaves_no_dangling_file()
    {
        await _f.Api.DownloadFileAsync(Repo, "config.json", new DownloadFileOptions { Revision = _c0.Sha });
        await _f.Api.DownloadFileAsync(Repo, "model.bin", new DownloadFileOptions { Revision = _c1.Sha });

        OnceAt(CrashPoints.BlobPublished, () =>
        {
            // Another process prunes right now: c1 is detached (main points at c2 already).
            HubCache.Scan(_f.CacheDirectory).Prune(new CachePruneOptions { OlderThan = TimeSpan.FromDays(1) }).Execute();
        });
        Ours.Value = true;
        string snapshot = await _f.Api.DownloadSnapshotAsync(Repo, new SnapshotDownloadOptions { AllowPatterns = ["model.bin"] });

        string file = Path.Combine(snapshot, "model.bin");
        Assert.True(EntryPresence.IsPresent(file, Weights.Length), $"DownloadSnapshotAsync returned {snapshot}, whose model.bin links to a deleted blob.");
    }

    /// <summary>
    /// Prune is planned while nothing runs (every revision detached: the repo goes whole), then a download of a new commit
    /// starts and is mid-transfer (its blob lock held, its partial open) when the plan is executed. Prune promises to skip
    /// partials whose download is still running: the whole-repo removal is re-checked and keeps the repo (before: it deleted
    /// the folder with the running partial in it, and the download failed at publish).
    /// </summary>
    [Fact]
    public async Task Prune_executed_during_a_download_keeps_the_repo_and_its_running_partial()
    {
        await _f.Api.DownloadFileAsync(Repo, "model.bin", new DownloadFileOptions { Revision = _c1.Sha });
        CacheDeletePlan plan = HubCache.Scan(_f.CacheDirectory).Prune(new CachePruneOptions { OlderThan = TimeSpan.FromDays(1) });
        Assert.Equal([RepoDir], plan.Repos);

        byte[] big = Bytes.Random(3_000_000, 9);
        FakeCommit c3 = _f.Hub.FindRepo(Repo)!.Commit(c => c.AddLfs("big.bin", big));
        using var held = new HeldDownload();
        Task<string> download = _f.Api.DownloadFileAsync(Repo, "big.bin", new DownloadFileOptions { Revision = c3.Sha, Progress = held });
        await held.Held;
        Assert.True(File.Exists(Path.Combine(RepoDir, "blobs", Bytes.Sha256(big) + ".incomplete")));

        CacheDeleteResult result = plan.Execute();
        held.Release();
        string path = await download;

        Assert.Equal(big, await File.ReadAllBytesAsync(path));
        Assert.NotEmpty(result.NotDeleted);
    }

    /// <summary>
    /// The same stale whole-repo plan, executed after a download finished: prune was planned when every revision was
    /// detached; then main was downloaded (refs/main and its snapshot written). Execute keeps the repo, which gained a
    /// revision since (before: it removed the folder whole, the new, referenced revision with it).
    /// </summary>
    [Fact]
    public async Task A_prune_planned_before_a_download_keeps_the_revision_it_brought()
    {
        await _f.Api.DownloadFileAsync(Repo, "model.bin", new DownloadFileOptions { Revision = _c1.Sha });
        CacheDeletePlan plan = HubCache.Scan(_f.CacheDirectory).Prune(new CachePruneOptions { OlderThan = TimeSpan.FromDays(1) });
        Assert.Equal([RepoDir], plan.Repos);
        string config = await _f.Api.DownloadFileAsync(Repo, "config.json"); // main = c2

        plan.Execute();

        Assert.True(File.Exists(config), "Prune of detached revisions deleted main's snapshot, downloaded after the plan.");
    }

    /// <summary>
    /// A delete plan names refs/main because main pointed at the revision being deleted. Before it runs, a download moves
    /// main to a new commit (refs/main rewritten). Execute reads it again and keeps it (before: it deleted it, and main no
    /// longer resolved offline though its revision was fully cached).
    /// </summary>
    [Fact]
    public async Task A_delete_plan_keeps_a_ref_moved_to_another_revision_since()
    {
        FakeRepo repo = _f.Hub.FindRepo(Repo)!;
        repo.SetBranch("main", _c1.Sha);
        await _f.Api.DownloadFileAsync(Repo, "config.json", new DownloadFileOptions { Revision = _c0.Sha });
        await _f.Api.DownloadFileAsync(Repo, "config.json"); // refs/main = c1
        CacheDeletePlan plan = HubCache.Scan(_f.CacheDirectory).DeleteRevisions(_c1.Sha);
        Assert.Equal([Path.Combine(RepoDir, "refs", "main")], plan.Refs);

        repo.SetBranch("main", _c2.Sha);
        string c2Config = await _f.Api.DownloadFileAsync(Repo, "config.json"); // refs/main = c2
        plan.Execute();
        Assert.True(File.Exists(c2Config)); // c2 is still fully cached: only its ref went

        using HubApi offline = _f.NewClient(o => o.Offline = true);
        string path = await offline.DownloadFileAsync(Repo, "config.json");
        Assert.Equal("{\"v\":2}", File.ReadAllText(path));
    }

    /// <summary>
    /// A snapshot entry whose link passes through a symlink loop (a folder that links to itself): the scan reports it as a
    /// broken link, and a deletion of another revision runs to its end (before: a raw IOException midway, refs and snapshot
    /// gone, the blobs and the rest of the plan not done).
    /// </summary>
    [Fact]
    public void A_snapshot_link_through_a_symlink_loop_does_not_stop_a_delete()
    {
        var cache = new PythonCacheBuilder(_f.CacheDirectory);
        string keep = PythonCacheBuilder.Commit("keep"), drop = PythonCacheBuilder.Commit("drop");
        cache.AddFile(Folder, keep, "a.bin", Bytes.Random(10, 1));
        string dropBlob = cache.AddFile(Folder, drop, "b.bin", Bytes.Random(20, 2));
        cache.SetRef(Folder, "main", keep);
        Directory.CreateSymbolicLink(Path.Combine(RepoDir, "loop"), "loop");
        File.CreateSymbolicLink(Path.Combine(RepoDir, "snapshots", keep, "odd.bin"), "../../loop/x");

        HubCacheInfo info = HubCache.Scan(_f.CacheDirectory);
        Assert.Contains(info.Warnings, w => w.Kind == CacheWarningKind.BrokenSymlink);
        CacheDeletePlan plan = info.DeleteRevisions(drop);
        Assert.Equal([dropBlob], plan.Blobs);

        CacheDeleteResult result = plan.Execute();

        Assert.False(File.Exists(dropBlob));
        Assert.Contains(dropBlob, result.Deleted);
    }

    /// <summary>
    /// Verify while a whole repo is deleted (hub cache delete in another process): the blob the verifier is about to hash
    /// disappears with its folder: skipped like a blob removed since the scan (before: DirectoryNotFoundException escaped
    /// VerifyAsync).
    /// </summary>
    [Fact]
    public async Task Verify_racing_a_repo_delete_skips_what_was_deleted()
    {
        await _f.Api.DownloadFileAsync(Repo, "model.bin", new DownloadFileOptions { Revision = _c1.Sha });
        CacheDeletePlan plan = HubCache.Scan(_f.CacheDirectory).DeleteRepos(HubCache.Scan(_f.CacheDirectory).FindRepo(Repo)!);
        int once = 0;
        var progress = new InlineProgress(p =>
        {
            // The verifier's first report (before it hashes anything): the other process's delete runs now.
            if (Interlocked.Exchange(ref once, 1) != 0) return;
            plan.Execute();
            Assert.False(Directory.Exists(RepoDir));
        });

        CacheVerifyReport report = await HubCache.VerifyAsync(_f.CacheDirectory, new CacheVerifyOptions { Progress = progress });

        Assert.Empty(report.Corrupt);
    }

    /// <summary>Zero-byte blob (a crash after create, before write, by another tool): verify flags it, the next download heals it.</summary>
    [Fact]
    public async Task A_zero_byte_blob_is_reported_and_refetched()
    {
        string path = await _f.Api.DownloadFileAsync(Repo, "model.bin", new DownloadFileOptions { Revision = _c1.Sha });
        File.WriteAllBytes(BlobOf(Weights), []);
        // (A pinned commit returns its snapshot entry with no request, whatever its size: huggingface_hub's rule. A branch checks the size.)

        CacheVerifyReport report = await HubCache.VerifyAsync(_f.CacheDirectory);
        Assert.Single(report.Corrupt);
        HubCacheInfo info = HubCache.Scan(_f.CacheDirectory);
        Assert.Equal(0, info.FindRepo(Repo)!.Revisions.Single(r => r.CommitHash == _c1.Sha).SizeOnDisk);

        string again = await _f.Api.DownloadFileAsync(Repo, "model.bin");
        Assert.Equal(Weights, await File.ReadAllBytesAsync(again));
        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
    }

    /// <summary>refs/main names a commit whose snapshot folder is gone: scan warns, offline download says "not cached", delete and prune do not throw.</summary>
    [Fact]
    public async Task A_ref_to_a_missing_snapshot()
    {
        await _f.Api.DownloadFileAsync(Repo, "model.bin", new DownloadFileOptions { Revision = _c1.Sha });
        await _f.Api.DownloadFileAsync(Repo, "config.json");
        Directory.Delete(Path.Combine(RepoDir, "snapshots", _c2.Sha), recursive: true);

        HubCacheInfo info = HubCache.Scan(_f.CacheDirectory);
        Assert.Contains(info.Warnings, w => w.Kind == CacheWarningKind.RefToMissingSnapshot);
        await Assert.ThrowsAsync<LocalEntryNotFoundException>(() => _f.Api.DownloadFileAsync(Repo, "config.json", new DownloadFileOptions { LocalFilesOnly = true }));
        await Assert.ThrowsAsync<LocalEntryNotFoundException>(() => _f.Api.DownloadSnapshotAsync(Repo, new SnapshotDownloadOptions { LocalFilesOnly = true }));
        CacheDeletePlan prune = info.Prune(new CachePruneOptions { OlderThan = TimeSpan.Zero });
        prune.Execute();
        Assert.True(File.Exists(BlobOf(Weights)) || !Directory.Exists(Path.Combine(RepoDir, "snapshots", _c1.Sha)));
    }

    /// <summary>A Python-written cache with partials of unknown etags (odd names, a folder, dangling and looping links): scan and prune cope.</summary>
    [Fact]
    public void Scan_and_prune_of_odd_python_partials()
    {
        AddPythonRepo();
        string blobs = Path.Combine(RepoDir, "blobs");
        File.WriteAllBytes(Path.Combine(blobs, "not-an-etag.incomplete"), Bytes.Random(33, 3));
        File.WriteAllBytes(Path.Combine(blobs, "deadbeef.5f2a9c.incomplete"), Bytes.Random(44, 4));
        Directory.CreateDirectory(Path.Combine(blobs, "cafe.incomplete"));
        File.CreateSymbolicLink(Path.Combine(blobs, "dangling.incomplete"), "nowhere");
        File.CreateSymbolicLink(Path.Combine(blobs, "loop.incomplete"), "loop.incomplete");
        foreach (string p in Directory.EnumerateFileSystemEntries(blobs).Where(p => p.EndsWith(".incomplete", StringComparison.Ordinal)))
        {
            if (new FileInfo(p).LinkTarget is null) Directory.SetLastWriteTimeUtc(p, DateTime.UtcNow.AddDays(-3));
        }

        HubCacheInfo info = HubCache.Scan(_f.CacheDirectory);
        Assert.Equal(5, info.IncompleteDownloads.Count);
        Assert.Equal(77, info.IncompleteSizeOnDisk);
        CacheDeletePlan plan = info.Prune(new CachePruneOptions { OlderThan = TimeSpan.FromDays(1) });
        CacheDeleteResult result = plan.Execute();
        Assert.Empty(result.NotDeleted);
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(blobs), p => p.EndsWith(".incomplete", StringComparison.Ordinal) && new FileInfo(p).LinkTarget is null);
    }

    /// <summary>
    /// A snapshot run stopped between a blob's publish and its snapshot link, then run again offline: the held listing and
    /// the published blob make the entry, as an online run would without a request. (Found by review: "1 file(s) missing".)
    /// </summary>
    [Fact]
    public async Task A_snapshot_interrupted_between_publish_and_link_is_completed_offline()
    {
        OnceAt(CrashPoints.BlobPublished, () => throw new OperationCanceledException("killed here"));
        Ours.Value = true;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _f.Api.DownloadSnapshotAsync(Repo, new SnapshotDownloadOptions { Revision = _c1.Sha, AllowPatterns = ["model.bin"] }));
        Ours.Value = false;
        Assert.True(File.Exists(BlobOf(Weights)));

        using HubApi offline = _f.NewClient(o => o.Offline = true);
        string snapshot = await offline.DownloadSnapshotAsync(Repo, new SnapshotDownloadOptions { Revision = _c1.Sha, AllowPatterns = ["model.bin"] });
        Assert.Equal(Weights, await File.ReadAllBytesAsync(Path.Combine(snapshot, "model.bin")));
    }

    /// <summary>A blob that is a folder (a damaged cache): verify reports the file missing. (Found by review: "healthy".)</summary>
    [Fact]
    public async Task Verify_reports_a_blob_that_is_a_folder_as_missing()
    {
        string path = await _f.Api.DownloadFileAsync(Repo, "model.bin", new DownloadFileOptions { Revision = _c1.Sha });
        string blob = BlobOf(Weights);
        File.Delete(blob);
        Directory.CreateDirectory(blob);

        CacheVerifyReport report = await HubCache.VerifyAsync(_f.CacheDirectory);

        Assert.False(report.IsHealthy, "Verify says healthy, yet model.bin's blob is a folder.");
        Assert.Contains(report.Missing, m => m.SnapshotPath == path);
    }

    /// <summary>
    /// A blob that is a folder: the next download moves the folder aside (kept, never deleted) and publishes the file.
    /// (Found by review: every download failed with a raw "Is a directory" at publish.)
    /// </summary>
    [Fact]
    public async Task A_download_repairs_a_blob_that_is_a_folder()
    {
        await _f.Api.DownloadFileAsync(Repo, "model.bin", new DownloadFileOptions { Revision = _c1.Sha });
        string blob = BlobOf(Weights);
        File.Delete(blob);
        Directory.CreateDirectory(blob);

        string path = await _f.Api.DownloadFileAsync(Repo, "model.bin", new DownloadFileOptions { Revision = _c1.Sha });

        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
    }

    /// <summary>
    /// A partial that is a folder: the download moves it aside and completes. (Found by review: a raw "Access denied", or
    /// "disk full?" for the Xet partial, on every run.)
    /// </summary>
    [Theory]
    [InlineData(".incomplete")]
    [InlineData(".chunked.incomplete")]
    [InlineData(".xet.incomplete")]
    [InlineData(".lock")]
    public async Task A_partial_that_is_a_folder_does_not_block_the_download(string suffix)
    {
        byte[] big = Bytes.Random(3_000_000, 9);
        FakeCommit c3 = _f.Hub.FindRepo(Repo)!.Commit(c => c.AddXet("big.bin", big));
        string sha = Bytes.Sha256(big);
        string odd = suffix == ".lock" ? Path.Combine(_f.CacheDirectory, ".locks", Folder, sha + ".lock") : Path.Combine(RepoDir, "blobs", sha + suffix);
        Directory.CreateDirectory(Path.Combine(odd, "inside"));

        using HubApi http = _f.NewClient(o =>
        {
            o.DisableXet = suffix != ".xet.incomplete";
            if (suffix == ".chunked.incomplete") o.Transfer.ParallelThreshold = 1_000_000;
        });
        string path = await http.DownloadFileAsync(Repo, "big.bin", new DownloadFileOptions { Revision = c3.Sha });

        Assert.Equal(big, await File.ReadAllBytesAsync(path));
    }

    /// <summary>
    /// A whole-repo plan made from an older scan keeps a revision downloaded after that scan: the plan records the scan's
    /// revisions, not what the disk holds when the plan is made (before: the new revision was deleted with the repo).
    /// </summary>
    [Fact]
    public async Task A_revision_downloaded_after_the_scan_is_not_deleted_by_a_plan_made_from_that_scan()
    {
        await _f.Api.DownloadFileAsync(Repo, "model.bin", new DownloadFileOptions { Revision = _c1.Sha });
        HubCacheInfo info = HubCache.Scan(_f.CacheDirectory);
        Assert.Single(info.FindRepo(Repo)!.Revisions);

        string config = await _f.Api.DownloadFileAsync(Repo, "config.json"); // main = c2, after the scan
        CacheDeletePlan plan = info.Prune(new CachePruneOptions { OlderThan = TimeSpan.FromDays(1) });
        Assert.Equal([RepoDir], plan.Repos); // from the scan: c1 was the only (detached) revision
        plan.Execute();

        Assert.True(File.Exists(config), "main's revision, downloaded after the scan, was deleted with the repo.");
    }

    /// <summary>
    /// A stray symlink loop named *.incomplete does not keep a repo from being deleted: the busy-partial check skips links
    /// (before: opening it failed, which read as "a download has the partial open", and the repo could never be deleted).
    /// </summary>
    [Fact]
    public void A_looping_stray_partial_does_not_keep_a_repo_the_user_deletes()
    {
        AddPythonRepo();
        File.CreateSymbolicLink(Path.Combine(RepoDir, "blobs", "loop.incomplete"), "loop.incomplete");

        HubCacheInfo info = HubCache.Scan(_f.CacheDirectory);
        CacheDeleteResult result = info.DeleteRepos(info.FindRepo(Repo)!).Execute();

        Assert.True(result.NotDeleted.Count == 0, string.Join("; ", result.NotDeleted.Select(kv => kv.Key + ": " + kv.Value)));
        Assert.False(Directory.Exists(RepoDir));
    }
    private sealed class InlineProgress(Action<CacheVerifyProgress> report) : IProgress<CacheVerifyProgress>
    {
        public void Report(CacheVerifyProgress value) => report(value);
    }
}
