using System.Globalization;

namespace HubClient.Tests.Processes;

/// <summary>
/// The disk fills up during a download: the caller gets a clear <see cref="IOException"/>, the partial is kept for the
/// next attempt, nothing is published, and the next attempt continues from the partial. Two ways to fill a disk: a file
/// size limit (RLIMIT_FSIZE with SIGXFSZ ignored, writes fail with EFBIG; needs no privileges) in a helper process, and a
/// real tiny tmpfs (ENOSPC; needs root and mount, skipped elsewhere).
/// </summary>
public sealed class DiskFullTests : IAsyncLifetime
{
    private const string Repo = "acme/big-model";
    private const int Size = 2_000_000;
    private static readonly byte[] Weights = Bytes.Random(Size, seed: 31);
    private readonly HubFixture _f = new();
    private FakeCommit _commit = null!;

    public Task InitializeAsync()
    {
        _commit = _f.Hub.AddRepo(Repo).Commit(c => c.AddLfs("model.bin", Weights));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    private string Sha => Bytes.Sha256(Weights);

    [Fact]
    public async Task File_size_limit_hit_mid_download_fails_clearly_keeps_the_partial_and_the_next_run_resumes()
    {
        const int Limit = 700_000;
        string repoDir = _f.RepoDir("models--acme--big-model");
        using (HelperProcess limited = HelperProcess.Start(HelperProcess.DownloadArgs(
            _f.Hub, _f.CacheDirectory, Repo, "model.bin", "--max-file-size", Limit.ToString(CultureInfo.InvariantCulture))))
        {
            Assert.Equal(1, await limited.WaitForExitAsync());
            Assert.Contains("error IOException: Could not write", limited.Transcript, StringComparison.Ordinal);
            Assert.Contains("disk full?", limited.Transcript, StringComparison.Ordinal);
            Assert.Contains("partial download is kept", limited.Transcript, StringComparison.Ordinal);
        }

        string partial = Path.Combine(repoDir, "blobs", Sha + ".incomplete");
        long kept = new FileInfo(partial).Length;
        Assert.Equal(Limit, kept);
        Assert.Equal(Weights[..Limit], await File.ReadAllBytesAsync(partial));
        Assert.False(CacheInvariants.EntryExists(Path.Combine(repoDir, "snapshots", _commit.Sha, "model.bin")));
        Assert.False(File.Exists(Path.Combine(repoDir, "blobs", Sha)));
        _f.Hub.ClearRequests();

        using HelperProcess again = HelperProcess.Start(HelperProcess.DownloadArgs(_f.Hub, _f.CacheDirectory, Repo, "model.bin"));
        string path = await again.SucceedsAsync();

        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        Assert.Equal($"bytes={kept}-", Assert.Single(_f.Hub.Requests, r => r.IsCdn).Range);
        CacheInvariants.AssertNoIncomplete(_f.CacheDirectory);
        CacheInvariants.AssertNoUnverifiedBlob(_f.CacheDirectory);
    }

    [LinuxRootFact]
    public async Task Tmpfs_running_out_of_space_fails_clearly_keeps_the_partial_and_resumes_once_there_is_room()
    {
        string mount = _f.Temp.Combine("small-disk");
        Directory.CreateDirectory(mount);
        Mounts.MountTmpfs(mount, "1m");
        try
        {
            string cache = Path.Combine(mount, "hub");
            using HubApi api = _f.NewClient(o => o.CacheDirectory = cache);
            string repoDir = Path.Combine(cache, "models--acme--big-model");

            var e = await Assert.ThrowsAnyAsync<IOException>(() => api.DownloadFileAsync(Repo, "model.bin"));

            Assert.Contains("disk full?", e.Message, StringComparison.Ordinal);
            Assert.Contains("No space left on device", e.Message, StringComparison.Ordinal);
            string partial = Path.Combine(repoDir, "blobs", Sha + ".incomplete");
            long kept = new FileInfo(partial).Length;
            Assert.InRange(kept, 1, Size - 1);
            Assert.Equal(Weights[..(int)kept], await File.ReadAllBytesAsync(partial));
            Assert.False(CacheInvariants.EntryExists(Path.Combine(repoDir, "snapshots", _commit.Sha, "model.bin")));
            CacheInvariants.AssertNoUnverifiedBlob(cache);

            Assert.Equal(0, Mounts.Run("mount", "-o", "remount,size=8m", mount));
            _f.Hub.ClearRequests();
            string path = await api.DownloadFileAsync(Repo, "model.bin");

            Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
            Assert.Equal($"bytes={kept}-", Assert.Single(_f.Hub.Requests, r => r.IsCdn).Range);
            CacheInvariants.AssertNoIncomplete(cache);
        }
        finally
        {
            Mounts.Unmount(mount);
        }
    }
}
