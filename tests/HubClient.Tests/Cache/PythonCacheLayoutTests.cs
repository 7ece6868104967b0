namespace HubClient.Tests.Cache;

/// <summary>
/// The cache as Python's huggingface_hub reads it (its own tests check the same things): folder names, ref files of exactly
/// 40 hex with no newline, nested refs for refs/pr/N, relative symlinks adjusted to depth, blobs named by etag, .no_exist markers.
/// </summary>
public sealed class PythonCacheLayoutTests : IAsyncLifetime
{
    // Above BlobFetcher.LockFreeMaxSize, so the download takes the blob lock (small blobs skip it).
    private static readonly byte[] Weights = Bytes.Random(1_200_000, seed: 3);
    private readonly HubFixture _f = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _f.DisposeAsync();

    [Fact]
    public async Task Symlink_mode_layout_matches_huggingface_hub_byte_for_byte()
    {
        FakeRepo repo = _f.Hub.AddRepo("acme/tiny-model");
        FakeCommit commit = repo.Commit(c => c.Add("config.json", "{}").Add("a/b/c.txt", "deep").AddLfs("model.bin", Weights));
        repo.SetBranch("refs/pr/1", commit.Sha);
        _f.Hub.AddRepo("gpt2").Commit(c => c.Add("config.json", "{}"));
        _f.Hub.AddRepo("acme/squad", RepoType.Dataset).Commit(c => c.Add("data.csv", "x,y"));

        await _f.Api.DownloadFileAsync("acme/tiny-model", "config.json");
        await _f.Api.DownloadFileAsync("acme/tiny-model", "a/b/c.txt");
        await _f.Api.DownloadFileAsync("acme/tiny-model", "model.bin", new DownloadFileOptions { Revision = "refs/pr/1" });
        await _f.Api.DownloadFileAsync("gpt2", "config.json");
        await _f.Api.DownloadFileAsync("acme/squad", "data.csv", new DownloadFileOptions { RepoType = RepoType.Dataset });
        await Assert.ThrowsAsync<EntryNotFoundException>(() => _f.Api.DownloadFileAsync("acme/tiny-model", "sub/missing.txt"));

        string root = _f.CacheDirectory;
        Assert.Equal(
            [".locks", "datasets--acme--squad", "models--acme--tiny-model", "models--gpt2"],
            Directory.GetFileSystemEntries(root).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        string repoDir = Path.Combine(root, "models--acme--tiny-model");
        Assert.Equal(commit.Sha, File.ReadAllText(Path.Combine(repoDir, "refs", "main")));
        Assert.Equal(40, new FileInfo(Path.Combine(repoDir, "refs", "main")).Length);
        Assert.Equal(commit.Sha, File.ReadAllText(Path.Combine(repoDir, "refs", "refs", "pr", "1")));

        string snapshot = Path.Combine(repoDir, "snapshots", commit.Sha);
        Assert.Equal("../../blobs/" + commit.Files["config.json"].GitSha1, new FileInfo(Path.Combine(snapshot, "config.json")).LinkTarget);
        Assert.Equal("../../../../blobs/" + commit.Files["a/b/c.txt"].GitSha1, new FileInfo(Path.Combine(snapshot, "a", "b", "c.txt")).LinkTarget);
        Assert.Equal("../../blobs/" + Bytes.Sha256(Weights), new FileInfo(Path.Combine(snapshot, "model.bin")).LinkTarget);

        Assert.Equal(
            new[] { commit.Files["config.json"].GitSha1, commit.Files["a/b/c.txt"].GitSha1, Bytes.Sha256(Weights) }.Order(StringComparer.Ordinal),
            Directory.GetFiles(Path.Combine(repoDir, "blobs")).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        Assert.Equal(0, new FileInfo(Path.Combine(repoDir, ".no_exist", commit.Sha, "sub", "missing.txt")).Length);
        Assert.True(Directory.Exists(Path.Combine(root, ".locks", "models--acme--tiny-model")));
        Assert.True(File.Exists(Path.Combine(root, ".locks", "models--acme--tiny-model", Bytes.Sha256(Weights) + ".lock")));
        Assert.True(File.Exists(Path.Combine(root, "datasets--acme--squad", "snapshots",
            _f.Hub.FindRepo("acme/squad", RepoType.Dataset)!.Head().Sha, "data.csv")));
    }

    [Fact]
    public async Task Copy_mode_places_files_and_keeps_blobs_consistent_with_huggingface_hub()
    {
        using HubApi api = _f.NewClient(o => o.DisableSymlinks = true);
        FakeRepo repo = _f.Hub.AddRepo("acme/copy");
        FakeCommit first = repo.Commit(c => c.AddLfs("model.bin", Weights));
        FakeCommit second = repo.Commit(c => c.Add("readme.md", "hi"));

        string a = await api.DownloadFileAsync("acme/copy", "model.bin", new DownloadFileOptions { Revision = first.Sha });
        string b = await api.DownloadFileAsync("acme/copy", "model.bin");

        Assert.NotEqual(a, b);
        Assert.Equal(Weights, await File.ReadAllBytesAsync(a));
        Assert.Equal(Weights, await File.ReadAllBytesAsync(b));
        Assert.Null(new FileInfo(a).LinkTarget);
        Assert.Null(new FileInfo(b).LinkTarget);
        Assert.Contains(second.Sha, b, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cache_written_by_python_is_served_offline()
    {
        // The layout huggingface_hub writes (see its tests): refs/main, a relative symlink into blobs/.
        string commit = new('a', 40);
        string repoDir = Path.Combine(_f.CacheDirectory, "models--acme--from-python");
        Directory.CreateDirectory(Path.Combine(repoDir, "blobs"));
        Directory.CreateDirectory(Path.Combine(repoDir, "refs"));
        Directory.CreateDirectory(Path.Combine(repoDir, "snapshots", commit, "onnx"));
        File.WriteAllText(Path.Combine(repoDir, "blobs", "0123456789abcdef0123456789abcdef01234567"), "python wrote this");
        File.WriteAllText(Path.Combine(repoDir, "refs", "main"), commit);
        File.CreateSymbolicLink(Path.Combine(repoDir, "snapshots", commit, "onnx", "model.onnx"), "../../../blobs/0123456789abcdef0123456789abcdef01234567");
        using HubApi offline = _f.NewClient(o => o.Offline = true);

        string path = await offline.DownloadFileAsync("acme/from-python", "onnx/model.onnx");

        Assert.Equal("python wrote this", Bytes.Text(path));
        Assert.Empty(_f.Hub.Requests);
    }
}
