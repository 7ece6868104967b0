namespace HubClient.Tests.Processes;

/// <summary>
/// Several real processes download the same file into one cache at the same time, with working locks, with a
/// <c>.locks</c> that cannot be used, and with locks that do nothing. Every process must return an intact file, one blob
/// must remain and no partial file. The helpers pause mid-transfer until the test lets them go on, so the overlap is
/// proven, not hoped for.
/// </summary>
public sealed class ConcurrentProcessTests : IAsyncLifetime
{
    private const string Repo = "acme/big-model";
    private const int Processes = 4;
    private static readonly byte[] Weights = Bytes.Random(3_000_000, seed: 11);
    private readonly HubFixture _f = new();

    public Task InitializeAsync()
    {
        _f.Hub.AddRepo(Repo).Commit(c => c.AddLfs("model.bin", Weights));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    private string RepoDir => _f.RepoDir("models--acme--big-model");

    private string Sha => Bytes.Sha256(Weights);

    [Fact]
    public async Task With_working_locks_one_process_downloads_while_the_others_wait_then_all_return_the_file()
    {
        List<HelperProcess> helpers = StartAll(environment: null);
        try
        {
            await ReleaseAllAsync(helpers);

            // Exactly one process gets the lock and writes the resumable partial; it is paused mid-transfer.
            string paused = await Task.WhenAny(helpers.Select(h => h.WaitForLineAsync("paused"))).Unwrap();
            Assert.StartsWith("paused bytes", paused, StringComparison.Ordinal);
            Assert.Equal([Sha + ".incomplete"], Directory.GetFiles(Path.Combine(RepoDir, "blobs")).Select(Path.GetFileName));

            foreach (HelperProcess h in helpers) h.Send("continue");
            string[] paths = await Task.WhenAll(helpers.Select(h => h.SucceedsAsync()));

            AssertOneVerifiedBlob(paths);
            Assert.Single(_f.Hub.Requests, r => r.IsCdn && r.Method == "GET");
        }
        finally
        {
            helpers.ForEach(h => h.Dispose());
        }
    }

    [Theory]
    [InlineData("locks-folder-is-a-file")]
    [InlineData("locks-do-nothing")]
    public async Task Without_usable_locks_all_processes_download_at_once_into_private_temp_files_and_all_return_the_file(string locks)
    {
        Dictionary<string, string>? environment = null;
        if (locks == "locks-folder-is-a-file")
        {
            // Root ignores permissions, so "unwritable" is made real: .locks is a file, no lock can be created under it.
            Directory.CreateDirectory(_f.CacheDirectory);
            await File.WriteAllTextAsync(Path.Combine(_f.CacheDirectory, ".locks"), "not a folder");
        }
        else
        {
            // .NET's switch that turns its file locks (flock) into no-ops: what a file system without working locks looks like.
            environment = new() { ["DOTNET_SYSTEM_IO_DISABLEFILELOCKING"] = "1" };
        }

        List<HelperProcess> helpers = StartAll(environment);
        try
        {
            await ReleaseAllAsync(helpers);

            // All four are mid-transfer at the same time, each into its own temp file; none uses the shared resumable partial.
            await Task.WhenAll(helpers.Select(h => h.WaitForLineAsync("paused")));
            string[] partials = Directory.GetFiles(Path.Combine(RepoDir, "blobs")).Select(Path.GetFileName).ToArray()!;
            Assert.Equal(Processes, partials.Length);
            Assert.All(partials, p => Assert.Matches($"^{Sha}\\.[0-9a-f]{{8}}\\.incomplete$", p));

            foreach (HelperProcess h in helpers) h.Send("continue");
            string[] paths = await Task.WhenAll(helpers.Select(h => h.SucceedsAsync()));

            AssertOneVerifiedBlob(paths);
            Assert.Equal(Processes, _f.Hub.Requests.Count(r => r.IsCdn && r.Method == "GET"));
        }
        finally
        {
            helpers.ForEach(h => h.Dispose());
        }
    }

    [Fact]
    public async Task A_lock_held_past_the_lock_timeout_is_bypassed_with_a_private_temp_file_leaving_the_shared_partial_alone()
    {
        // Another process (this one) holds the blob's lock and a partial it may still be writing.
        string lockPath = Path.Combine(_f.CacheDirectory, ".locks", "models--acme--big-model", Sha + ".lock");
        Directory.CreateDirectory(Path.GetDirectoryName(lockPath)!);
        Directory.CreateDirectory(Path.Combine(RepoDir, "blobs"));
        string shared = Path.Combine(RepoDir, "blobs", Sha + ".incomplete");
        await File.WriteAllBytesAsync(shared, Weights[..1000]);
        using var held = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

        using HelperProcess helper = HelperProcess.Start(HelperProcess.DownloadArgs(_f.Hub, _f.CacheDirectory, Repo, "model.bin", "--lock-timeout-ms", "200"));
        string path = await helper.SucceedsAsync();

        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        Assert.Equal(Weights[..1000], await File.ReadAllBytesAsync(shared));
        Assert.Null(Assert.Single(_f.Hub.Requests, r => r.IsCdn && r.Method == "GET").Range);
        CacheInvariants.AssertNoUnverifiedBlob(_f.CacheDirectory);
    }

    private List<HelperProcess> StartAll(Dictionary<string, string>? environment) =>
        Enumerable.Range(0, Processes)
            .Select(_ => HelperProcess.Start(
                HelperProcess.DownloadArgs(_f.Hub, _f.CacheDirectory, Repo, "model.bin", "--wait-for-go", "--pause-at-bytes", "500000", "--resume-on-stdin"),
                environment))
            .ToList();

    /// <summary>Waits until every process has started (runtime loaded), then lets them all go at once.</summary>
    private static async Task ReleaseAllAsync(List<HelperProcess> helpers)
    {
        await Task.WhenAll(helpers.Select(h => h.WaitForLineAsync("ready")));
        foreach (HelperProcess h in helpers) h.Send("go");
    }

    private void AssertOneVerifiedBlob(string[] paths)
    {
        string expected = Path.Combine(RepoDir, "snapshots", _f.Hub.FindRepo(Repo)!.Head().Sha, "model.bin");
        Assert.All(paths, p => Assert.Equal(expected, p));
        Assert.Equal(Sha, Bytes.Sha256(File.ReadAllBytes(expected)));
        Assert.Equal([Sha], Directory.GetFiles(Path.Combine(RepoDir, "blobs")).Select(Path.GetFileName));
        Assert.Equal(["model.bin"], Directory.GetFileSystemEntries(Path.GetDirectoryName(expected)!).Select(Path.GetFileName));
        CacheInvariants.AssertNoIncomplete(_f.CacheDirectory);
        CacheInvariants.AssertSnapshotsVerified(_f.CacheDirectory);
    }
}
