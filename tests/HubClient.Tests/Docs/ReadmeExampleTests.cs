namespace HubClient.Tests.Docs;

/// <summary>The README's examples, compiled and run against the fake hub, so the front door never shows code that does not work.</summary>
public sealed class ReadmeExampleTests
{
    /// <summary>
    /// The "Test against a fake hub" example is not copied here: the build cuts it out of README.md into a generated file
    /// compiled into this assembly (target <c>ExtractReadmeExample</c>), where xunit runs it as
    /// <c>HubClient.Tests.Docs.Readme.MyModelLoaderTests</c>. This checks that the compiled example is the README's current
    /// text and that its test is there to run.
    /// </summary>
    [Fact]
    public void The_fake_hub_example_compiled_and_run_is_the_readme_block()
    {
        string readme = File.ReadAllText(Metadata("ReadmePath")).ReplaceLineEndings("\n");
        int section = readme.IndexOf("## Test against a fake hub", StringComparison.Ordinal);
        Assert.True(section >= 0, "README.md has no 'Test against a fake hub' section.");
        int start = readme.IndexOf("```csharp\n", section, StringComparison.Ordinal) + "```csharp\n".Length;
        string block = readme[start..readme.IndexOf("\n```", start, StringComparison.Ordinal)];

        string generated = File.ReadAllText(Metadata("ReadmeExamplePath")).ReplaceLineEndings("\n");
        string marker = "namespace HubClient.Tests.Docs.Readme;\n";
        Assert.Equal(block.TrimEnd('\n'), generated[(generated.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..].TrimEnd('\n'));
        Type? example = typeof(ReadmeExampleTests).Assembly.GetType("HubClient.Tests.Docs.Readme.MyModelLoaderTests");
        Assert.NotNull(example);
        Assert.Contains(example.GetMethods(), m => m.GetCustomAttributes(typeof(FactAttribute), false).Length > 0);
    }

    private static string Metadata(string key) =>
        typeof(ReadmeExampleTests).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

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
