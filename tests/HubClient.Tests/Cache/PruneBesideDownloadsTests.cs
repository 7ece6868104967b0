namespace HubClient.Tests.Cache;

/// <summary>Prune next to a real download: a partial the downloader would resume is never removed before its age.</summary>
public sealed class PruneBesideDownloadsTests : IAsyncLifetime
{
    private const string Repo = "acme/tiny-model";
    private static readonly byte[] Weights = Bytes.Random(300_000);
    private readonly HubFixture _f = new();

    public Task InitializeAsync()
    {
        _f.Hub.AddRepo(Repo).Commit(c => c.Add("config.json", "{}").AddLfs("model.safetensors", Weights));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    /// <summary>
    /// SupersededPartial compares the blob with the partial's length, not with the blob's expected size. A truncated
    /// blob (the most reported cache bug) that is longer than a fresh resumable partial makes the partial "superseded",
    /// so prune deletes it at any age — yet the downloader treats that blob as absent (wrong size) and resumes the partial.
    /// </summary>
    [Fact]
    public async Task Prune_keeps_a_fresh_resumable_partial_beside_a_truncated_blob()
    {
        await _f.Api.DownloadFileAsync(Repo, "model.safetensors");
        string blobs = Path.Combine(_f.RepoDir("models--acme--tiny-model"), "blobs");
        string sha = Bytes.Sha256(Weights);
        string blob = Path.Combine(blobs, sha);
        await File.WriteAllBytesAsync(blob, Weights[..200_000]); // truncated
        string partial = Path.Combine(blobs, sha + ".incomplete");
        await File.WriteAllBytesAsync(partial, Weights[..100_000]); // a fresh, resumable prefix

        Assert.False(EntryPresence.IsPresent(blob, Weights.Length)); // the downloader does not count the blob as published
        CacheDeletePlan plan = HubCache.Scan(_f.CacheDirectory).Prune(new CachePruneOptions { OlderThan = TimeSpan.FromHours(1), DetachedRevisions = false });

        Assert.DoesNotContain(partial, plan.IncompleteFiles);

        // What the partial is worth: the next download continues it.
        _f.Hub.ClearRequests();
        Assert.Equal(Weights, await File.ReadAllBytesAsync(await _f.Api.DownloadFileAsync(Repo, "model.safetensors")));
        Assert.Contains(_f.Hub.Requests, r => r.IsCdn && r.Range == "bytes=100000-");
    }
}
