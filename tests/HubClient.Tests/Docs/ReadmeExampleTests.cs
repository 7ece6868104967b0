namespace HubClient.Tests.Docs;

/// <summary>The README's examples, compiled and run against the fake hub, so the front door never shows code that does not work.</summary>
public sealed class ReadmeExampleTests
{
    // The "Test against a fake hub" example, verbatim but for the temp folder clean-up.
    [Fact]
    public async Task Loads_weights_once_and_survives_a_dropped_connection()
    {
        await using var hub = FakeHub.Start();
        hub.AddRepo("acme/tiny-model").Commit(c => c
            .Add("config.json", "{\"hidden_size\": 8}")
            .AddLfs("model.safetensors", new byte[300_000]));        // LFS: served through a CDN redirect
        hub.InjectFault(FakeFault.DropAfter(70_000), RequestFilters.Download("model.safetensors"));

        using var temp = new TempDirectory();
        using var api = new HubApi(hub.CreateOptions(cacheDirectory: temp.Path));
        string path = await api.DownloadFileAsync("acme/tiny-model", "model.safetensors");

        Assert.Equal(300_000, File.OpenRead(path).Length);
        Assert.Equal(2, hub.Requests.Count(r => r.IsCdn));            // the second GET resumed with a Range
    }

    // The "Use it" examples against the demo repo.
    [Fact]
    public async Task Use_it_examples_run()
    {
        await using var f = new HubFixture();
        f.Hub.AddTinyModel(weightsBytes: 10_000);
        HubApi hub = f.Api;
        const string repo = DemoRepos.TinyModel;

        string config = await hub.DownloadFileAsync(repo, "config.json");
        string weights = await hub.DownloadFileAsync(repo, "model.safetensors", new DownloadFileOptions
        {
            Revision = "v1.0",
            Progress = new Progress<DownloadProgress>(_ => { }),
        });
        string folder = await hub.DownloadSnapshotAsync(repo, new SnapshotDownloadOptions
        {
            AllowPatterns = ["*.json", "onnx/*"],
            IgnorePatterns = ["*.msgpack"],
            Progress = new Progress<SnapshotProgress>(_ => { }),
        });
        string cached = await hub.DownloadFileAsync(repo, "config.json", new DownloadFileOptions { LocalFilesOnly = true });
        HubFileMetadata meta = await hub.GetFileMetadataAsync(repo, "model.safetensors");

        Assert.Equal(config, cached);
        Assert.Equal(10_000, File.OpenRead(weights).Length);
        Assert.True(File.Exists(Path.Combine(folder, "onnx", "model.onnx")));
        Assert.False(File.Exists(Path.Combine(folder, "model.safetensors")));
        Assert.True(meta.IsLfs);

        int models = 0;
        await foreach (ModelInfo model in hub.ListModelsAsync(new ModelSearch { Author = "demo", Search = "tiny", Sort = RepoSort.Downloads, Limit = 50 })) models++;
        RepoInfo info = await hub.GetRepoInfoAsync(repo, revision: "main", filesMetadata: true);
        var paths = new List<string>();
        await foreach (RepoTreeEntry entry in hub.ListRepoTreeAsync(repo, path: "onnx", recursive: true)) paths.Add(entry.Path);
        GitRefs refs = await hub.ListRepoRefsAsync(repo, includePullRequests: true);
        bool exists = await hub.FileExistsAsync(repo, "config.json");

        Assert.Equal(1, models);
        Assert.Equal(5, info.Siblings.Count);
        Assert.Equal(["onnx/model.onnx"], paths);
        Assert.Contains(refs.Tags, t => t.Name == "v1.0");
        Assert.True(exists);

        HubCacheInfo cache = HubCache.Scan(f.CacheDirectory);
        CacheVerifyReport report = await HubCache.VerifyAsync(f.CacheDirectory, new CacheVerifyOptions { CorruptBlobs = CorruptBlobAction.MoveAside });
        CacheDeletePlan plan = cache.DeleteRevisions(refs.Tags.Single().TargetCommit);
        Assert.True(report.IsHealthy);
        Assert.True(plan.ExpectedBytesFreed > 0);
        plan.Execute();
        cache.Prune(new CachePruneOptions { OlderThan = TimeSpan.FromDays(7) }).Execute();
        Assert.Single(HubCache.Scan(f.CacheDirectory).Repos.Single().Revisions);
    }
}
