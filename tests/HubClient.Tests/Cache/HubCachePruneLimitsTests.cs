namespace HubClient.Tests.Cache;

/// <summary>
/// <see cref="CachePruneOptions.OlderThan"/> at the edge of its range: "keep every partial, prune only detached revisions"
/// is written <c>TimeSpan.MaxValue</c> (nothing can be that old), and must plan exactly that.
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
}
