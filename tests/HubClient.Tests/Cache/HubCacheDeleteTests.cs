namespace HubClient.Tests.Cache;

/// <summary>
/// <see cref="HubCacheInfo.DeleteRevisions"/>: huggingface_hub's delete strategy (the same cases as its dry-run tests), then
/// executed on disk, in symlink and copy mode, and never through a symlink that leads out of the cache.
/// </summary>
public sealed class HubCacheDeleteTests : IDisposable
{
    private const string Folder = "models--acme--repo-a";
    private readonly TempDirectory _temp = new();
    private readonly PythonCacheBuilder _cache;
    private readonly string _main = PythonCacheBuilder.Commit("main");
    private readonly string _detached = PythonCacheBuilder.Commit("detached");
    private readonly string _pr1 = PythonCacheBuilder.Commit("pr1");
    private readonly Dictionary<string, string> _blob = [];

    public HubCacheDeleteTests()
    {
        _cache = new PythonCacheBuilder(_temp.Combine("hub"));
        // As in huggingface_hub's TestDeleteRevisionsDryRun: five blobs of 1, 10, 100, 1000 and 10000 bytes.
        byte[] mainOnly = Bytes.Random(1, 1), detachedOnly = Bytes.Random(10, 2), prOnly = Bytes.Random(100, 3), detachedAndPr = Bytes.Random(1000, 4), shared = Bytes.Random(10000, 5);
        _blob["main_only"] = _cache.AddFile(Folder, _main, "main_only.bin", mainOnly);
        _blob["shared"] = _cache.AddFile(Folder, _main, "shared.bin", shared);
        _blob["detached_only"] = _cache.AddFile(Folder, _detached, "detached_only.bin", detachedOnly);
        _blob["detached_and_pr"] = _cache.AddFile(Folder, _detached, "nested/detached_and_pr.bin", detachedAndPr);
        _cache.AddFile(Folder, _detached, "shared.bin", shared);
        _blob["pr_only"] = _cache.AddFile(Folder, _pr1, "pr_only.bin", prOnly);
        _cache.AddFile(Folder, _pr1, "nested/detached_and_pr.bin", detachedAndPr);
        _cache.AddFile(Folder, _pr1, "shared.bin", shared);
        _cache.SetRef(Folder, "main", _main);
        _cache.SetRef(Folder, "refs/pr/1", _pr1);
    }

    public void Dispose() => _temp.Dispose();

    private string Repo => _cache.RepoDir(Folder);

    [Fact]
    public void Deleting_the_detached_revision_frees_only_its_own_blob()
    {
        CacheDeletePlan plan = HubCache.Scan(_cache.CacheDirectory).DeleteRevisions(_detached);

        Assert.Equal([_blob["detached_only"]], plan.Blobs);
        Assert.Empty(plan.Refs);
        Assert.Empty(plan.Repos);
        Assert.Equal([Snapshot(_detached)], plan.Snapshots);
        Assert.Equal(10, plan.ExpectedBytesFreed);
    }

    [Fact]
    public void Deleting_the_pr_revision_also_deletes_its_ref()
    {
        CacheDeletePlan plan = HubCache.Scan(_cache.CacheDirectory).DeleteRevisions(_pr1);

        Assert.Equal([_blob["pr_only"]], plan.Blobs);
        Assert.Equal([Path.Combine(Repo, "refs", "refs", "pr", "1")], plan.Refs);
        Assert.Equal([Snapshot(_pr1)], plan.Snapshots);
        Assert.Equal(100, plan.ExpectedBytesFreed);
    }

    [Fact]
    public void Deleting_two_revisions_frees_the_blob_only_they_shared()
    {
        CacheDeletePlan plan = HubCache.Scan(_cache.CacheDirectory).DeleteRevisions(_detached, _pr1);

        Assert.Equal(new[] { _blob["detached_only"], _blob["detached_and_pr"], _blob["pr_only"] }.Order(), plan.Blobs.Order());
        Assert.Equal(1110, plan.ExpectedBytesFreed);
        Assert.Equal(new[] { Snapshot(_detached), Snapshot(_pr1) }.Order(), plan.Snapshots.Order());
    }

    [Fact]
    public void Deleting_every_revision_removes_the_repo_whole()
    {
        CacheDeletePlan plan = HubCache.Scan(_cache.CacheDirectory).DeleteRevisions(_detached, _pr1, _main);

        Assert.Equal([Repo], plan.Repos);
        Assert.Empty(plan.Blobs);
        Assert.Empty(plan.Snapshots);
        Assert.Equal(11111 + 40 + 40, plan.ExpectedBytesFreed); // blobs and the two 40-byte refs

        CacheDeleteResult result = plan.Execute();

        Assert.False(Directory.Exists(Repo));
        Assert.Equal(11111 + 40 + 40, result.BytesFreed);
        Assert.Empty(result.NotDeleted);
    }

    [Fact]
    public void Unknown_commits_are_reported_and_change_nothing_else()
    {
        string unknown = PythonCacheBuilder.Commit("unknown");
        HubCacheInfo info = HubCache.Scan(_cache.CacheDirectory);

        CacheDeletePlan plan = info.DeleteRevisions(_detached, unknown);

        Assert.Equal([unknown], plan.RevisionsNotFound);
        Assert.Equal([_blob["detached_only"]], plan.Blobs);
        Assert.True(info.DeleteRevisions(unknown).IsEmpty);
    }

    [Fact]
    public void Executing_removes_exactly_the_plan_and_leaves_a_clean_cache()
    {
        string[] before = AllFiles();
        CacheDeletePlan plan = HubCache.Scan(_cache.CacheDirectory).DeleteRevisions(_pr1);

        CacheDeleteResult result = plan.Execute();

        Assert.Equal(100, result.BytesFreed);
        Assert.Empty(result.NotDeleted);
        Assert.False(Directory.Exists(Snapshot(_pr1)));
        Assert.False(Directory.Exists(Path.Combine(Repo, "refs", "refs")), "The emptied refs/refs/pr folders go too.");
        Assert.True(File.Exists(Path.Combine(Repo, "refs", "main")));
        string[] gone = before.Except(AllFiles()).Order().ToArray();
        Assert.Equal(new[] { _blob["pr_only"], Path.Combine(Repo, "refs", "refs", "pr", "1"), Path.Combine(Snapshot(_pr1), "nested", "detached_and_pr.bin"), Path.Combine(Snapshot(_pr1), "pr_only.bin"), Path.Combine(Snapshot(_pr1), "shared.bin") }.Order(), gone);
        HubCacheInfo after = HubCache.Scan(_cache.CacheDirectory);
        Assert.Empty(after.Warnings);
        Assert.Equal([_detached, _main], after.Repos.Single().Revisions.Select(r => r.CommitHash).Order());
    }

    [Fact]
    public void Copy_mode_revisions_free_the_files_in_their_snapshot()
    {
        var copyCache = new PythonCacheBuilder(_temp.Combine("copy-hub"));
        string folder = "models--acme--copy";
        copyCache.AddFile(folder, _main, "a.bin", Bytes.Random(300, 9), copyMode: true);
        copyCache.AddFile(folder, _pr1, "a.bin", Bytes.Random(300, 9), copyMode: true);
        copyCache.AddFile(folder, _pr1, "b.bin", Bytes.Random(50, 10), copyMode: true);
        copyCache.SetRef(folder, "main", _main);

        CacheDeletePlan plan = HubCache.Scan(copyCache.CacheDirectory).DeleteRevisions(_pr1);
        CacheDeleteResult result = plan.Execute();

        Assert.Equal(350, plan.ExpectedBytesFreed);
        Assert.Empty(plan.Blobs);
        Assert.Empty(result.NotDeleted);
        Assert.Equal(350, result.BytesFreed);
        Assert.False(Directory.Exists(Path.Combine(copyCache.RepoDir(folder), "snapshots", _pr1)));
        Assert.True(File.Exists(Path.Combine(copyCache.RepoDir(folder), "snapshots", _main, "a.bin")));
    }

    [Fact]
    public void Deleting_never_follows_a_symlink_out_of_the_cache()
    {
        // Outside targets: a file linked from a snapshot, a folder linked inside a snapshot, a whole repo folder linked in.
        string outsideFile = _temp.Combine("outside", "precious.bin");
        string outsideDir = _temp.Combine("outside", "dir");
        string outsideRepo = _temp.Combine("outside", "models--acme--elsewhere");
        Directory.CreateDirectory(outsideDir);
        File.WriteAllText(outsideFile, "keep me");
        File.WriteAllText(Path.Combine(outsideDir, "inner.bin"), "keep me too");
        var elsewhere = new PythonCacheBuilder(_temp.Combine("outside"));
        elsewhere.AddFile("models--acme--elsewhere", _main, "w.bin", Bytes.Random(64, 12));
        elsewhere.SetRef("models--acme--elsewhere", "main", _main);
        string other = PythonCacheBuilder.Commit("other");
        _cache.AddFile(Folder, other, "inside.bin", Bytes.Random(5, 13));
        File.CreateSymbolicLink(Path.Combine(Snapshot(other), "linked-out.bin"), outsideFile);
        Directory.CreateSymbolicLink(Path.Combine(Snapshot(other), "linked-dir"), outsideDir);
        Directory.CreateSymbolicLink(_cache.RepoDir("models--acme--elsewhere"), outsideRepo);
        string[] outsideBefore = Directory.GetFiles(_temp.Combine("outside"), "*", SearchOption.AllDirectories);

        HubCacheInfo info = HubCache.Scan(_cache.CacheDirectory);
        CacheDeletePlan plan = info.DeleteRevisions(other, _main);
        Assert.DoesNotContain(outsideFile, plan.Blobs);
        CacheDeleteResult result = plan.Execute();

        Assert.False(Directory.Exists(Snapshot(other)));
        Assert.False(CacheInvariants.EntryExists(_cache.RepoDir("models--acme--elsewhere")), "The link to the outside repo is removed...");
        Assert.Equal(outsideBefore, Directory.GetFiles(_temp.Combine("outside"), "*", SearchOption.AllDirectories));  // ...but nothing behind any link.
        Assert.Equal("keep me", File.ReadAllText(outsideFile));
        Assert.Empty(result.NotDeleted);
    }

    [Fact]
    public void A_blobs_folder_that_is_a_symlink_out_of_the_cache_is_not_deleted_through()
    {
        string outsideBlobs = _temp.Combine("outside-blobs");
        Directory.Move(Path.Combine(Repo, "blobs"), outsideBlobs);
        Directory.CreateSymbolicLink(Path.Combine(Repo, "blobs"), outsideBlobs);

        CacheDeletePlan plan = HubCache.Scan(_cache.CacheDirectory).DeleteRevisions(_pr1);
        CacheDeleteResult result = plan.Execute();

        Assert.Equal([_blob["pr_only"]], plan.Blobs);
        Assert.Contains(_blob["pr_only"], result.NotDeleted.Keys);
        Assert.Contains("leads out of the cache", result.NotDeleted[_blob["pr_only"]], StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(outsideBlobs, Path.GetFileName(_blob["pr_only"]))));
        Assert.False(Directory.Exists(Snapshot(_pr1)));
    }

    [Fact]
    public void A_blob_linked_again_after_the_plan_was_made_is_kept()
    {
        CacheDeletePlan plan = HubCache.Scan(_cache.CacheDirectory).DeleteRevisions(_pr1);
        string again = PythonCacheBuilder.Commit("again");
        _cache.AddFile(Folder, again, "pr_only.bin", File.ReadAllBytes(_blob["pr_only"])); // a download in between

        CacheDeleteResult result = plan.Execute();

        Assert.True(File.Exists(_blob["pr_only"]));
        Assert.Contains(_blob["pr_only"], result.NotDeleted.Keys);
        Assert.Empty(HubCache.Scan(_cache.CacheDirectory).Warnings);
    }

    [Fact]
    public void Bookkeeping_of_a_deleted_revision_goes_with_it()
    {
        string noExist = Path.Combine(Repo, ".no_exist", _pr1, "missing.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(noExist)!);
        File.WriteAllBytes(noExist, []);
        string tree = Path.Combine(Repo, "trees", _pr1 + ".json");
        Directory.CreateDirectory(Path.GetDirectoryName(tree)!);
        File.WriteAllText(tree, "[]");

        CacheDeletePlan plan = HubCache.Scan(_cache.CacheDirectory).DeleteRevisions(_pr1);
        plan.Execute();

        Assert.Equal(2, plan.OtherFiles.Count);
        Assert.False(Directory.Exists(Path.Combine(Repo, ".no_exist", _pr1)));
        Assert.False(File.Exists(tree));
    }

    private string Snapshot(string commit) => Path.Combine(Repo, "snapshots", commit);

    private string[] AllFiles() =>
        Directory.EnumerateFileSystemEntries(_cache.CacheDirectory, "*", SearchOption.AllDirectories).Where(p => !Directory.Exists(p) || new FileInfo(p).LinkTarget is not null).ToArray();

    /// <summary>
    /// The cache folder reached through a symlink (<c>~/.cache/huggingface → /data/hf</c>), and a kept revision whose entry
    /// links to the shared blob by its absolute real path (huggingface_hub's fallback where a relative path fails, or
    /// another tool). huggingface_hub's scan resolves blob paths, so both revisions name one blob and deleting the old
    /// revision keeps it; so must HubClient.
    /// </summary>
    [Fact]
    public void Deleting_a_revision_through_a_symlinked_cache_folder_keeps_a_blob_another_revision_links_to_absolutely()
    {
        if (OperatingSystem.IsWindows()) return; // Folder symlinks need privileges there.
        (string real, string linkRoot) = SymlinkedCacheFolder();
        var builder = new PythonCacheBuilder(real);
        byte[] content = PythonCacheBuilder.Content(5000, 1);
        string old = PythonCacheBuilder.Commit("old");
        string kept = PythonCacheBuilder.Commit("kept");
        string blob = builder.AddFile(Folder, old, "model.bin", content);
        builder.AddFile(Folder, kept, "other.txt", PythonCacheBuilder.Content(10, 2));
        string keptEntry = Path.Combine(real, Folder, "snapshots", kept, "model.bin");
        File.CreateSymbolicLink(keptEntry, blob);
        builder.SetRef(Folder, "main", kept);

        HubCacheInfo info = HubCache.Scan(linkRoot);
        CacheDeletePlan plan = info.DeleteRevisions(old);
        plan.Execute();

        Assert.Empty(info.Warnings);
        Assert.Empty(plan.Blobs);
        Assert.Equal(content, File.ReadAllBytes(keptEntry));
        Assert.Equal(5010, info.Repos.Single().SizeOnDisk); // one blob, counted once
    }

    [Fact]
    public void Deleting_a_revision_through_a_symlinked_cache_folder_frees_its_own_blob()
    {
        if (OperatingSystem.IsWindows()) return;
        (string real, string linkRoot) = SymlinkedCacheFolder();
        var builder = new PythonCacheBuilder(real);
        string old = PythonCacheBuilder.Commit("old");
        string kept = PythonCacheBuilder.Commit("kept");
        string blob = builder.AddFile(Folder, old, "model.bin", PythonCacheBuilder.Content(5000, 1));
        builder.AddFile(Folder, kept, "other.txt", PythonCacheBuilder.Content(10, 2));
        builder.SetRef(Folder, "main", kept);

        HubCacheInfo info = HubCache.Scan(linkRoot);
        CacheDeletePlan plan = info.DeleteRevisions(old);
        CacheDeleteResult result = plan.Execute();

        Assert.Empty(info.Warnings);
        Assert.Single(plan.Blobs);
        Assert.False(File.Exists(blob));
        Assert.Equal(5000, result.BytesFreed);
    }

    /// <summary>
    /// The same through a symlinked cache folder, for a file in the shared blob store (huggingface_hub's layout for Xet
    /// files): the repo blob is itself a link into the store, so it must be named as the repo blob, not followed to the
    /// store entry — or the plan deletes the repo blob the kept revision uses and the sweep collects the entry.
    /// </summary>
    [Fact]
    public void Deleting_a_revision_through_a_symlinked_cache_folder_keeps_a_shared_store_blob_another_revision_links_to_absolutely()
    {
        if (OperatingSystem.IsWindows()) return;
        (string real, string linkRoot) = SymlinkedCacheFolder();
        var store = new SharedStoreCacheBuilder(real);
        store.Mark();
        byte[] content = Bytes.Random(5000, 1);
        string etag = PythonCacheBuilder.Sha256(content);
        string xet = new('a', 64);
        store.AddEntry(xet, content, $"{Folder}/blobs/{etag}");
        string repoBlob = store.LinkBlob(Folder, etag, xet);
        string old = PythonCacheBuilder.Commit("old");
        string kept = PythonCacheBuilder.Commit("kept");
        store.Snapshot(Folder, old, "model.bin", etag);
        byte[] other = Bytes.Random(10, 2);
        string otherEtag = PythonCacheBuilder.Sha256(other);
        store.LocalBlob(Folder, otherEtag, other);
        store.Snapshot(Folder, kept, "other.txt", otherEtag);
        string keptEntry = Path.Combine(real, Folder, "snapshots", kept, "model.bin");
        File.CreateSymbolicLink(keptEntry, repoBlob); // absolute, through the real name of the cache
        store.Ref(Folder, "main", kept);

        HubCacheInfo info = HubCache.Scan(linkRoot);
        CacheDeletePlan plan = info.DeleteRevisions(old);
        plan.Execute();

        Assert.Empty(info.Warnings);
        Assert.Empty(plan.Blobs);
        Assert.Empty(plan.SharedBlobs);
        Assert.Equal(content, File.ReadAllBytes(keptEntry));
    }

    /// <summary>A cache folder and a symlink to it (<c>~/.cache/huggingface → /data/hf</c>).</summary>
    private (string Real, string Link) SymlinkedCacheFolder()
    {
        string real = _temp.Combine("real-hub");
        string link = _temp.Combine("hub-link");
        Directory.CreateDirectory(real);
        Directory.CreateSymbolicLink(link, real);
        return (real, link);
    }
}
