namespace HubClient.Tests.Cache;

/// <summary>
/// <see cref="CachePruneOptions.OlderThan"/> at the edge of its range: "keep every partial, prune only detached revisions"
/// is written <c>TimeSpan.MaxValue</c> (nothing can be that old), and must plan exactly that. And a repo whose refs cannot all
/// be trusted, which prune leaves alone.
/// </summary>
public sealed class HubCachePruneLimitsTests : IDisposable
{
    private const string Folder = "models--acme--tiny";
    private readonly TempDirectory _temp = new();
    private readonly PythonCacheBuilder _cache;
    private readonly string _main = PythonCacheBuilder.Commit("main");
    private readonly string _old = PythonCacheBuilder.Commit("old");

    public HubCachePruneLimitsTests()
    {
        _cache = new PythonCacheBuilder(_temp.Combine("hub"));
        _cache.AddFile(Folder, _main, "config.json", Bytes.Random(10, 1));
        _cache.AddFile(Folder, _old, "config.json", Bytes.Random(20, 2));
        _cache.SetRef(Folder, "main", _main);
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void OlderThan_MaxValue_keeps_every_partial_and_prunes_detached_revisions()
    {
        string partial = Path.Combine(_cache.RepoDir(Folder), "blobs", new string('a', 64) + ".incomplete");
        File.WriteAllBytes(partial, new byte[50]);
        File.SetLastWriteTimeUtc(partial, DateTime.UtcNow.AddDays(-400));

        // Today: ArgumentOutOfRangeException from GetUtcNow() - OlderThan ("un-representable DateTime").
        CacheDeletePlan plan = HubCache.Scan(_cache.CacheDirectory).Prune(new CachePruneOptions { OlderThan = TimeSpan.MaxValue });

        Assert.Empty(plan.IncompleteFiles);
        Assert.Equal([Path.Combine(_cache.RepoDir(Folder), "snapshots", _old)], plan.Snapshots);
    }

    [Fact]
    public void A_repo_whose_ref_names_a_missing_snapshot_keeps_its_refs_and_loses_only_its_detached_revision()
    {
        // Its only revision is detached, but refs/pr/1 names a commit with no snapshot (an interrupted download, a missing
        // file recorded in .no_exist): removing the repo whole would take that ref too. (huggingface_hub's scan skips such
        // a repo as corrupted; the state is an ordinary one, so prune keeps the ref and removes the revision it left behind.)
        const string other = "models--acme--other";
        _cache.AddFile(other, _old, "config.json", Bytes.Random(30, 3));
        _cache.SetRef(other, "refs/pr/1", PythonCacheBuilder.Commit("gone"));

        CacheDeletePlan plan = HubCache.Scan(_cache.CacheDirectory).Prune();

        Assert.Empty(plan.Repos);
        Assert.Contains(Path.Combine(_cache.RepoDir(other), "snapshots", _old), plan.Snapshots);
        Assert.Contains(Path.Combine(_cache.RepoDir(Folder), "snapshots", _old), plan.Snapshots);
    }
}
