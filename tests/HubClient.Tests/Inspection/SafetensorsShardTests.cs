namespace HubClient.Tests.Inspection;

/// <summary><c>GetSafetensorsMetadataAsync</c> on sharded checkpoints: one commit for the index and its shards, and offline reads from the cache.</summary>
public sealed class SafetensorsShardTests : IAsyncLifetime
{
    private const string Repo = "acme/sharded";
    private const string Shard = "model-00001-of-00001.safetensors";
    private readonly HubFixture _f = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _f.DisposeAsync();

    private static string Index(string tensor) => $$$"""{"metadata": {"total_size": 16}, "weight_map": {"{{{tensor}}}": "{{{Shard}}}"}}""";

    /// <summary>
    /// Offline, with the whole sharded checkpoint in the cache (index and shards, as a snapshot download leaves it), the
    /// reader first opens <c>model.safetensors</c>; that file is not cached, and the offline "not cached" error
    /// (<see cref="LocalEntryNotFoundException"/>) is not taken as "no such file" the way the online 404 is, so the call
    /// fails instead of going on to the cached index. A single-file checkpoint cached the same way reads fine offline.
    /// </summary>
    [Fact]
    public async Task Cached_sharded_checkpoint_is_read_offline()
    {
        byte[] shard = new SafetensorsWriter().Tensor("w", "F32", 4).Build();
        _f.Hub.AddRepo(Repo).Commit(c => c.Add(SafetensorsMetadataReader.IndexFile, Index("w")).AddLfs(Shard, shard));
        await _f.Api.DownloadSnapshotAsync(Repo);
        using HubApi offline = _f.NewClient(o => o.Offline = true);

        SafetensorsRepoMetadata meta = await offline.GetSafetensorsMetadataAsync(Repo);

        Assert.True(meta.IsSharded);
        Assert.Equal(["w"], meta.Files[Shard].Tensors.Keys);
    }

    /// <summary>
    /// The index and each shard are opened by their own HEAD on the branch, so a push landing between them gives a result
    /// whose weight map comes from one commit and whose shard headers come from another: here the weight map names tensor
    /// 'w' in a shard whose header (read at the newer commit) has no 'w'. The shards should be read at the commit the
    /// index was read at.
    /// </summary>
    [Fact]
    public async Task Shards_are_read_at_the_commit_of_the_index()
    {
        FakeRepo repo = _f.Hub.AddRepo(Repo);
        repo.Commit(c => c.Add(SafetensorsMetadataReader.IndexFile, Index("w")).AddLfs(Shard, new SafetensorsWriter().Tensor("w", "F32", 4).Build()));
        int pushed = 0;
        bool PushOnShardHead(FakeHubRequest r)
        {
            if (r.Method == "HEAD" && r.Path.EndsWith("/" + Shard, StringComparison.Ordinal) && Interlocked.Exchange(ref pushed, 1) == 0)
            {
                // The branch moves after the index was read, before the shard's HEAD is answered.
                repo.Commit(c => c.Add(SafetensorsMetadataReader.IndexFile, Index("v")).AddLfs(Shard, new SafetensorsWriter().Tensor("v", "F32", 4).Build()));
            }
            return false;
        }
        _f.Hub.InjectFault(FakeFault.Status(500), PushOnShardHead, times: null);

        SafetensorsRepoMetadata meta = await _f.Api.GetSafetensorsMetadataAsync(Repo);

        Assert.Equal(1, pushed);
        Assert.All(meta.WeightMap, entry => Assert.True(meta.Files[entry.Value].Tensors.ContainsKey(entry.Key),
            $"the weight map names '{entry.Key}' in {entry.Value}, whose header has [{string.Join(", ", meta.Files[entry.Value].Tensors.Keys)}]"));
    }
}
