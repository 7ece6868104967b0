namespace HubClient.Tests.Cache;

/// <summary>
/// A cache that must not be written (shared read-only, a read-only mount) still serves what it holds. The tests run as
/// root in CI containers, where file permissions prove nothing, so "no writes" is checked two ways: a full listing of the
/// cache (every entry's kind, size, mtime and link target, folders included) is identical before and after; and, where
/// mount is permitted, the cache is served from a real read-only bind mount.
/// </summary>
public sealed class ReadOnlyCacheTests : IAsyncLifetime
{
    private const string Repo = "acme/tiny-model";
    private static readonly byte[] Weights = Bytes.Random(200_000, seed: 41);
    private readonly HubFixture _f = new();
    private FakeCommit _commit = null!;

    public async Task InitializeAsync()
    {
        _commit = _f.Hub.AddRepo(Repo).Commit(c => c.Add("config.json", "{}").Add("nested/vocab.txt", "a b c").AddLfs("model.bin", Weights));
        foreach (string path in new[] { "config.json", "nested/vocab.txt", "model.bin" })
        {
            await _f.Api.DownloadFileAsync(Repo, path);
        }
        _f.Hub.ClearRequests();
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    [Theory]
    [InlineData("offline option")]
    [InlineData("local files only")]
    [InlineData("hub unreachable")]
    public async Task Cached_files_are_served_without_a_single_write(string how)
    {
        IReadOnlyList<string> before = CacheListing.Of(_f.CacheDirectory);
        using HubApi api = _f.NewClient(o =>
        {
            o.Offline = how == "offline option";
            if (how == "hub unreachable")
            {
                o.Endpoint = "http://127.0.0.1:9";
                o.Retry.MaxRetries = 0;
            }
        });
        var options = new DownloadFileOptions { LocalFilesOnly = how == "local files only" };

        foreach (string revision in new[] { "main", _commit.Sha })
        {
            options.Revision = revision;
            Assert.Equal("{}", Bytes.Text(await api.DownloadFileAsync(Repo, "config.json", options)));
            Assert.Equal("a b c", Bytes.Text(await api.DownloadFileAsync(Repo, "nested/vocab.txt", options)));
            Assert.Equal(Weights, await File.ReadAllBytesAsync(await api.DownloadFileAsync(Repo, "model.bin", options)));
        }

        Assert.Equal(before, CacheListing.Of(_f.CacheDirectory));
        Assert.Empty(_f.Hub.Requests);
    }

    [Fact]
    public async Task An_offline_miss_writes_nothing_either()
    {
        IReadOnlyList<string> before = CacheListing.Of(_f.CacheDirectory);
        using HubApi api = _f.NewClient(o => o.Offline = true);

        await Assert.ThrowsAsync<LocalEntryNotFoundException>(() => api.DownloadFileAsync(Repo, "missing.bin"));
        await Assert.ThrowsAsync<LocalEntryNotFoundException>(() => api.DownloadFileAsync("acme/other", "config.json"));

        Assert.Equal(before, CacheListing.Of(_f.CacheDirectory));
    }

    [Fact]
    public async Task Scan_and_report_only_verification_write_nothing()
    {
        IReadOnlyList<string> before = CacheListing.Of(_f.CacheDirectory);

        HubCacheInfo info = HubCache.Scan(_f.CacheDirectory);
        CacheVerifyReport report = await HubCache.VerifyAsync(_f.CacheDirectory);

        Assert.Equal(3, info.Repos.Single().FileCount);
        Assert.True(report.IsHealthy);
        Assert.Equal(before, CacheListing.Of(_f.CacheDirectory));
    }

    [LinuxRootFact]
    public async Task A_read_only_mount_serves_cached_files_offline_and_online_and_refuses_new_ones_clearly()
    {
        string readOnly = _f.Temp.Combine("read-only-view");
        Directory.CreateDirectory(readOnly);
        Assert.Equal(0, Mounts.Run("mount", "--bind", _f.CacheDirectory, readOnly));
        try
        {
            Assert.Equal(0, Mounts.Run("mount", "-o", "remount,bind,ro", readOnly));
            Assert.ThrowsAny<IOException>(() => File.WriteAllText(Path.Combine(readOnly, "probe"), "x")); // truly read-only, even for root

            using HubApi offline = _f.NewClient(o => { o.CacheDirectory = readOnly; o.Offline = true; });
            Assert.Equal(Weights, await File.ReadAllBytesAsync(await offline.DownloadFileAsync(Repo, "model.bin")));

            using HubApi online = _f.NewClient(o => o.CacheDirectory = readOnly);
            Assert.Equal("a b c", Bytes.Text(await online.DownloadFileAsync(Repo, "nested/vocab.txt")));

            _f.Hub.FindRepo(Repo)!.Commit(c => c.Add("new.txt", "new"));
            var e = await Assert.ThrowsAnyAsync<IOException>(() => online.DownloadFileAsync(Repo, "new.txt"));
            Assert.Contains("Read-only file system", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Mounts.Unmount(readOnly);
        }
    }
}
