namespace HubClient.Tests.Cache;

/// <summary>
/// <see cref="HubCacheInfo.Prune"/>: stale partial downloads with their sidecars, set-aside corrupt blobs and detached
/// revisions go; anything a running download may be using stays.
/// </summary>
public sealed class HubCachePruneTests : IDisposable
{
    private const string Folder = "models--acme--tiny";
    private readonly TempDirectory _temp = new();
    private readonly PythonCacheBuilder _cache;
    private readonly string _main = PythonCacheBuilder.Commit("main");
    private readonly string _old = PythonCacheBuilder.Commit("old");
    private readonly string _blobs;

    public HubCachePruneTests()
    {
        _cache = new PythonCacheBuilder(_temp.Combine("hub"));
        _cache.AddFile(Folder, _main, "config.json", Bytes.Random(10, 1));
        _cache.AddFile(Folder, _old, "config.json", Bytes.Random(20, 2));
        _cache.SetRef(Folder, "main", _main);
        _blobs = Path.Combine(_cache.RepoDir(Folder), "blobs");
    }

    public void Dispose() => _temp.Dispose();

    private static CachePruneOptions Options(bool detached = true) =>
        new() { OlderThan = TimeSpan.FromHours(1), DetachedRevisions = detached };

    [Fact]
    public void Stale_partials_and_their_sidecars_go_fresh_ones_stay()
    {
        string stale = Partial(new string('a', 64) + ".incomplete", 500, hoursAgo: 3);
        string sidecar = Partial(new string('a', 64) + ".incomplete.json", 20, hoursAgo: 3);
        string staleTemp = Partial(new string('b', 64) + ".1234abcd.incomplete", 30, hoursAgo: 2);
        string fresh = Partial(new string('c', 64) + ".incomplete", 40, hoursAgo: 0);

        CacheDeletePlan plan = HubCache.Scan(_cache.CacheDirectory).Prune(Options(detached: false));

        Assert.Equal(new[] { stale, sidecar, staleTemp }.Order(), plan.IncompleteFiles.Order());
        Assert.Equal(550, plan.ExpectedBytesFreed);
        Assert.Empty(plan.Snapshots);
        CacheDeleteResult result = plan.Execute();
        Assert.Equal(550, result.BytesFreed);
        Assert.False(File.Exists(stale) || File.Exists(sidecar) || File.Exists(staleTemp));
        Assert.True(File.Exists(fresh));
    }

    [Fact]
    public void Fresh_partials_of_a_blob_published_since_go_at_any_age()
    {
        // The blob of main's config.json is complete: whoever left a partial of it (a run killed before another process or
        // client published the blob) will never resume it.
        string etag = Path.GetFileName(new FileInfo(Path.Combine(_cache.RepoDir(Folder), "snapshots", _main, "config.json")).LinkTarget!);
        string partial = Partial(etag + ".chunked.incomplete", 10, hoursAgo: 0); // preallocated: the blob's size
        string sidecar = Partial(etag + ".chunks.incomplete", 30, hoursAgo: 0);
        string other = Partial(new string('e', 64) + ".incomplete", 40, hoursAgo: 0);

        CacheDeletePlan plan = HubCache.Scan(_cache.CacheDirectory).Prune(Options(detached: false));

        Assert.Equal(new[] { partial, sidecar }.Order(), plan.IncompleteFiles.Order());
        plan.Execute();
        Assert.False(File.Exists(partial) || File.Exists(sidecar));
        Assert.True(File.Exists(other));
        Assert.True(File.Exists(Path.Combine(_blobs, etag)));
    }

    /// <summary>
    /// A blob that does not read (a link into the shared store whose entry is gone) is not published: the download that
    /// left the partial resumes it, so a fresh one stays.
    /// </summary>
    [Fact]
    public void A_fresh_partial_whose_blob_is_only_a_dangling_link_stays()
    {
        if (OperatingSystem.IsWindows()) return;
        string etag = new('d', 64);
        File.CreateSymbolicLink(Path.Combine(_blobs, etag), "../../blobs/bb/" + new string('b', 64));
        Partial(etag + ".chunked.incomplete", 700, hoursAgo: 0);
        Partial(etag + ".chunks.incomplete", 30, hoursAgo: 0);

        CacheDeletePlan plan = HubCache.Scan(_cache.CacheDirectory).Prune(Options(detached: false));

        Assert.Empty(plan.IncompleteFiles);
    }

    [Fact]
    public void Detached_revisions_go_with_the_blobs_only_they_use()
    {
        CacheDeletePlan plan = HubCache.Scan(_cache.CacheDirectory).Prune(Options());

        Assert.Equal([Path.Combine(_cache.RepoDir(Folder), "snapshots", _old)], plan.Snapshots);
        Assert.Single(plan.Blobs);
        plan.Execute();
        CachedRepo repo = Assert.Single(HubCache.Scan(_cache.CacheDirectory).Repos);
        Assert.Equal([_main], repo.Revisions.Select(r => r.CommitHash));

        Assert.True(HubCache.Scan(_cache.CacheDirectory).Prune(Options()).IsEmpty);
    }

    [Fact]
    public void Detached_revisions_stay_when_asked()
    {
        Assert.True(HubCache.Scan(_cache.CacheDirectory).Prune(Options(detached: false)).IsEmpty);
    }

    [Fact]
    public void A_partial_whose_blob_lock_is_held_by_a_download_is_kept()
    {
        string etag = new('d', 64);
        string partial = Partial(etag + ".incomplete", 100, hoursAgo: 5);
        string lockPath = Path.Combine(_cache.CacheDirectory, ".locks", Folder, etag + ".lock");
        Directory.CreateDirectory(Path.GetDirectoryName(lockPath)!);
        CacheDeletePlan plan = HubCache.Scan(_cache.CacheDirectory).Prune(Options(detached: false));

        CacheDeleteResult result;
        using (new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            result = plan.Execute();
        }

        Assert.True(File.Exists(partial));
        Assert.Contains("lock", result.NotDeleted[partial], StringComparison.Ordinal);
        Assert.Contains(partial, HubCache.Scan(_cache.CacheDirectory).Prune(Options(detached: false)).Execute().Deleted);
    }

    [Fact]
    public void A_partial_held_open_by_a_writer_or_written_since_the_plan_is_kept()
    {
        string open = Partial(new string('e', 64) + ".5678abcd.incomplete", 100, hoursAgo: 5);
        string written = Partial(new string('f', 64) + ".incomplete", 100, hoursAgo: 5);
        CacheDeletePlan plan = HubCache.Scan(_cache.CacheDirectory).Prune(Options(detached: false));
        File.AppendAllText(written, "more"); // a download resumed it since the plan

        CacheDeleteResult result;
        using (new FileStream(open, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            result = plan.Execute();
        }

        Assert.True(File.Exists(open) && File.Exists(written));
        Assert.Equal(2, result.NotDeleted.Count);
        Assert.Empty(result.Deleted);
    }

    [Fact]
    public void Set_aside_corrupt_blobs_go_once_old_enough()
    {
        string old = Partial(new string('1', 64) + ".corrupt-20240101T000000000Z", 70, hoursAgo: 2);
        string recent = Partial(new string('2', 64) + ".corrupt-20240101T000000000Z", 80, hoursAgo: 0);

        CacheDeletePlan plan = HubCache.Scan(_cache.CacheDirectory).Prune(Options(detached: false));

        Assert.Equal([old], plan.SetAsideBlobs);
        plan.Execute();
        Assert.False(File.Exists(old));
        Assert.True(File.Exists(recent));
    }

    [Fact]
    public void A_repo_with_only_detached_revisions_but_a_running_download_is_not_removed_whole()
    {
        string folder = "models--acme--pinned";
        _cache.AddFile(folder, _old, "a.bin", Bytes.Random(5, 3));
        string running = Path.Combine(_cache.RepoDir(folder), "blobs", new string('9', 64) + ".incomplete");
        File.WriteAllBytes(running, new byte[10]);

        CacheDeletePlan plan = HubCache.Scan(_cache.CacheDirectory).Prune(Options());
        plan.Execute();

        Assert.DoesNotContain(_cache.RepoDir(folder), plan.Repos);
        Assert.True(File.Exists(running));
        Assert.False(Directory.Exists(Path.Combine(_cache.RepoDir(folder), "snapshots", _old)));
    }

    [Fact]
    public void Age_is_measured_with_the_given_clock()
    {
        string partial = Partial(new string('a', 64) + ".incomplete", 10, hoursAgo: 0);
        var options = new CachePruneOptions { OlderThan = TimeSpan.FromDays(1), DetachedRevisions = false, TimeProvider = new FixedTimeProvider(DateTimeOffset.UtcNow.AddDays(2)) };

        Assert.Equal([partial], HubCache.Scan(_cache.CacheDirectory).Prune(options).IncompleteFiles);
    }

    private string Partial(string name, int size, int hoursAgo)
    {
        string path = Path.Combine(_blobs, name);
        File.WriteAllBytes(path, new byte[size]);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddHours(-hoursAgo).AddMinutes(hoursAgo == 0 ? 0 : -1));
        return path;
    }
}
