namespace HubClient.Tests.Processes;

/// <summary>
/// Review probes with a second, real process: a download process paused (or killed) at a named publish step
/// (<c>--pause-at</c>, see <see cref="CrashPoints"/>) while this process runs a cache operation.
/// </summary>
public sealed class CacheRaceProcessTests : IAsyncLifetime
{
    private const string Repo = "acme/race";
    private const string Folder = "models--acme--race";
    private static readonly byte[] Weights = Bytes.Random(1_300_000, 11);
    private readonly HubFixture _f = new();
    private FakeCommit _c0 = null!, _c1 = null!, _c2 = null!;

    public Task InitializeAsync()
    {
        FakeRepo repo = _f.Hub.AddRepo(Repo);
        _c0 = repo.Commit(c => c.Add("config.json", "{\"v\":0}"));
        _c1 = repo.Commit(c => c.Add("config.json", "{\"v\":1}").AddLfs("model.bin", Weights));
        _c2 = repo.Commit(c => c.Add("config.json", "{\"v\":2}"));
        _f.Hub.AddRepo("acme/xet").Commit(c => c.AddXet("model.bin", Weights));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    private string RepoDir => _f.RepoDir(Folder);

    /// <summary>
    /// Process B downloads model.bin at c2 (same blob as c1, already in the cache) and is paused between "the blob is
    /// published" and "the snapshot link is made"; process A (this one) deletes revision c1, as planned before. The delete
    /// re-checks the snapshot links, finds none to the blob yet and deletes it; B checks its link and fetches the blob again
    /// (before: B linked to nothing and printed success).
    /// </summary>
    [UnixFact]
    public async Task Deleting_a_revision_while_another_process_links_its_blob_does_not_lose_the_file()
    {
        await _f.Api.DownloadFileAsync(Repo, "config.json", new DownloadFileOptions { Revision = _c0.Sha });
        await _f.Api.DownloadFileAsync(Repo, "model.bin", new DownloadFileOptions { Revision = _c1.Sha });
        CacheDeletePlan plan = HubCache.Scan(_f.CacheDirectory).DeleteRevisions(_c1.Sha);
        Assert.Single(plan.Blobs);

        using HelperProcess b = HelperProcess.Start(HelperProcess.DownloadArgs(_f.Hub, _f.CacheDirectory, Repo, "model.bin",
            "--revision", _c2.Sha, "--pause-at", CrashPoints.BlobPublished, "--resume-on-stdin"));
        await b.WaitForLineAsync("paused ");
        CacheDeleteResult result = plan.Execute();
        b.Send("continue");
        string path = await b.SucceedsAsync();

        Assert.True(EntryPresence.IsPresent(path, Weights.Length),
            $"The download printed {path} as done, but its blob was deleted ({string.Join(", ", result.Deleted.Select(Path.GetFileName))}).");
    }

    /// <summary>
    /// A download killed after its payload was hard-linked into the shared store but before the repo blob became a link
    /// leaves the repo blob and the store entry one file on disk. The rerun finds the blob published and finishes the share
    /// (the entry's manifest already lists it): the blob is a link, scan counts the bytes once and prune frees nothing.
    /// (Found by review: the rerun left it so, scan counted the bytes twice and prune "freed" bytes still in use.)
    /// </summary>
    [UnixFact]
    public async Task A_download_killed_between_store_link_and_repo_link_is_linked_by_the_rerun()
    {
        using (HelperProcess killed = HelperProcess.Start(HelperProcess.DownloadArgs(_f.Hub, _f.CacheDirectory, "acme/xet", "model.bin",
                   "--pause-at", CrashPoints.SharedBlobStored)))
        {
            await killed.WaitForLineAsync("paused ");
            await killed.KillAsync();
        }
        using (HelperProcess rerun = HelperProcess.Start(HelperProcess.DownloadArgs(_f.Hub, _f.CacheDirectory, "acme/xet", "model.bin")))
        {
            Assert.Equal(Weights, await File.ReadAllBytesAsync(await rerun.SucceedsAsync()));
        }

        string repoBlob = Path.Combine(_f.RepoDir("models--acme--xet"), "blobs", Bytes.Sha256(Weights));
        string entry = Directory.EnumerateFiles(Path.Combine(_f.CacheDirectory, "blobs"), "*", SearchOption.AllDirectories)
            .Single(p => Path.GetFileName(p).Length == 64);
        bool linked = new FileInfo(repoBlob).ResolveLinkTarget(returnFinalTarget: true)?.FullName == entry;

        HubCacheInfo info = HubCache.Scan(_f.CacheDirectory);
        CacheDeleteResult pruned = info.Prune(new CachePruneOptions { OlderThan = TimeSpan.FromDays(1) }).Execute();

        Assert.Equal(
            $"linked to the store: True, size on disk: {Weights.Length}, freed: 0",
            $"linked to the store: {linked}, size on disk: {info.SizeOnDisk}, freed: {pruned.BytesFreed}");
    }
}
