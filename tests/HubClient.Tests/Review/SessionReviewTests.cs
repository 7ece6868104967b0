using HubClient.Tests.Cache;

namespace HubClient.Tests.Review;

/// <summary>Defects found by the review of the day's fixes (b204d1d..HEAD): each test fails on the reviewed code.</summary>
public sealed class SessionReviewTests : IAsyncLifetime
{
    private const string Repo = "acme/review";
    private const string Folder = "models--acme--review";
    private static readonly byte[] Weights = Bytes.Random(200_000, 17);
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

    private static void OnceAt(string point, Action action)
    {
        int fired = 0;
        CrashPoints.Hook = reached =>
        {
            if (reached == point && Ours.Value && Interlocked.Exchange(ref fired, 1) == 0) action();
        };
    }

    /// <summary>
    /// The concurrent-delete fix of PlaceAsync (a869782) in copy mode (DisableSymlinks): the blob is already in the cache
    /// (written by a symlink-mode client), a delete of the revision that held it runs between "the blob is published" and
    /// Place. In symlink mode the dangling link is detected and the blob fetched again; in copy mode Place copies the
    /// blob and throws FileNotFoundException instead, so the download fails.
    /// </summary>
    [Fact]
    public async Task Copy_mode_download_meeting_a_concurrent_delete_fetches_the_blob_again()
    {
        await _f.Api.DownloadFileAsync(Repo, "config.json", new DownloadFileOptions { Revision = _c0.Sha });
        await _f.Api.DownloadFileAsync(Repo, "model.bin", new DownloadFileOptions { Revision = _c1.Sha });
        CacheDeletePlan plan = HubCache.Scan(_f.CacheDirectory).DeleteRevisions(_c1.Sha);
        Assert.Single(plan.Blobs);

        using HubApi copyMode = _f.NewClient(o => o.DisableSymlinks = true);
        OnceAt(CrashPoints.BlobPublished, () => plan.Execute());
        Ours.Value = true;
        string path = await copyMode.DownloadFileAsync(Repo, "model.bin", new DownloadFileOptions { Revision = _c2.Sha });

        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
    }

    /// <summary>
    /// A whole-repo plan records the snapshot folders it "saw" by reading the disk when the plan is made, not from the scan
    /// the plan is made from. A revision downloaded between the scan and the plan is therefore taken for one the plan saw,
    /// and deleted with the repo: the "a repo that gained a revision is kept" check does not cover a plan made from a scan.
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
    /// The busy-partial check of a whole-repo delete (WhyRepoChanged) opens every *.incomplete in blobs/: a stray symlink
    /// loop named *.incomplete (the odd Python partials the scan and prune are tested to cope with) fails to open with an
    /// IOException, which is read as "a download has the partial file open": the repo can never be deleted.
    /// </summary>
    [Fact]
    public void A_looping_stray_partial_does_not_keep_a_repo_the_user_deletes()
    {
        var cache = new PythonCacheBuilder(_f.CacheDirectory);
        string main = PythonCacheBuilder.Commit("main");
        cache.AddFile(Folder, main, "a.bin", Bytes.Random(10, 1));
        cache.SetRef(Folder, "main", main);
        File.CreateSymbolicLink(Path.Combine(RepoDir, "blobs", "loop.incomplete"), "loop.incomplete");

        HubCacheInfo info = HubCache.Scan(_f.CacheDirectory);
        CacheDeleteResult result = info.DeleteRepos(info.FindRepo(Repo)!).Execute();

        Assert.True(result.NotDeleted.Count == 0, string.Join("; ", result.NotDeleted.Select(kv => kv.Key + ": " + kv.Value)));
        Assert.False(Directory.Exists(RepoDir));
    }
}
