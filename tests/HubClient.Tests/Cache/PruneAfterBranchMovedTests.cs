namespace HubClient.Tests.Cache;

/// <summary>
/// Prune after a branch moved on the hub, in caches this library writes itself in ordinary use. A ref naming a commit
/// without a snapshot folder is not a corrupt ref here: the library writes one whenever it records a missing file
/// (<c>.no_exist</c>, as huggingface_hub) or downloads a snapshot into a local folder. The revision the branch left behind
/// is detached for certain (every ref was read); prune must still remove it, keeping the repo and its refs.
/// (Found by review: since c6b8860 such a repo is skipped whole, so its detached revisions are never pruned.)
/// </summary>
public sealed class PruneAfterBranchMovedTests : IAsyncLifetime
{
    private const string Repo = "acme/tiny-model";
    private readonly HubFixture _f = new();
    private FakeRepo _repo = null!;
    private FakeCommit _first = null!;

    private string RepoDir => _f.RepoDir("models--acme--tiny-model");

    public async Task InitializeAsync()
    {
        _repo = _f.Hub.AddRepo(Repo);
        _first = _repo.Commit(c => c.Add("config.json", "{\"v\": 1}"));
        await _f.Api.DownloadFileAsync(Repo, "config.json");
        _repo.Commit(c => c.Add("config.json", "{\"v\": 2}")); // main moves on
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    [Fact]
    public async Task The_old_revision_is_pruned_after_main_moved_and_only_a_missing_file_was_asked_at_the_new_commit()
    {
        // transformers-style probe for an optional file: 404 → .no_exist marker and refs/main → the new commit, no snapshot.
        await Assert.ThrowsAsync<EntryNotFoundException>(() => _f.Api.DownloadFileAsync(Repo, "adapter_config.json"));

        CacheDeletePlan plan = HubCache.Scan(_f.CacheDirectory).Prune();

        Assert.Empty(plan.Repos); // refs/main stays
        Assert.Equal([Path.Combine(RepoDir, "snapshots", _first.Sha)], plan.Snapshots);
    }

    [Fact]
    public async Task The_old_revision_is_pruned_after_main_moved_and_was_downloaded_into_a_local_folder()
    {
        // A snapshot into a local folder records refs/main in the cache (as huggingface_hub does) but no snapshot folder.
        await _f.Api.DownloadSnapshotAsync(Repo, new SnapshotDownloadOptions { LocalDirectory = _f.Temp.Combine("local") });

        CacheDeletePlan plan = HubCache.Scan(_f.CacheDirectory).Prune();

        Assert.Empty(plan.Repos);
        Assert.Equal([Path.Combine(RepoDir, "snapshots", _first.Sha)], plan.Snapshots);
    }
}
