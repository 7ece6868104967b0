using System.Collections.Concurrent;

namespace HubClient.Tests.Snapshots;

/// <summary>
/// A snapshot's transfers and progress when files share content or start over (found by review; each test failed before
/// its fix): one transfer per blob, totals that only grow, each file reported complete once.
/// </summary>
public sealed class SnapshotTransferAndProgressTests : IAsyncLifetime
{
    private const string Repo = "acme/many";
    private static readonly byte[] Big = Bytes.Random(1_500_000, seed: 7);

    private readonly HubFixture _f = new();

    public Task InitializeAsync()
    {
        _f.Hub.AddRepo(Repo).Commit(c =>
        {
            for (int i = 0; i < 10; i++) c.Add($"small/f{i:00}.txt", $"file {i} " + new string('x', 100 + i));
            c.AddLfs("weights/a.bin", Bytes.Random(200_000, seed: 11));
            c.AddLfs("weights/big.bin", Big);
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    [Fact]
    public async Task Two_paths_with_the_same_content_are_transferred_once()
    {
        _f.Hub.AddRepo("acme/dup").Commit(c => c
            .Add("a/config.json", "{\"same\": true, \"pad\": \"" + new string('p', 5000) + "\"}")
            .Add("b/config.json", "{\"same\": true, \"pad\": \"" + new string('p', 5000) + "\"}")
            .AddLfs("a/w.bin", Big)
            .AddLfs("b/w.bin", Big));
        _f.Hub.InjectFault(FakeFault.Drip(8192, TimeSpan.FromMilliseconds(5)), r => r.Method == "GET" && (r.IsCdn || r.Path.Contains("/resolve/", StringComparison.Ordinal)), times: null);

        string folder = await _f.Api.DownloadSnapshotAsync("acme/dup");

        foreach (string p in new[] { "a/config.json", "b/config.json", "a/w.bin", "b/w.bin" }) Assert.True(File.Exists(Path.Combine(folder, p)), p);
        FakeHubRequest[] bodies = [.. _f.Hub.Requests.Where(r => r.Method == "GET" && r.BytesSent > 0 && (r.IsCdn || r.Path.Contains("/resolve/", StringComparison.Ordinal)))];
        Assert.Equal((1, 1), (bodies.Count(r => r.Path.EndsWith("config.json", StringComparison.Ordinal)), bodies.Count(r => r.Path.EndsWith("w.bin", StringComparison.Ordinal))));
    }

    [Fact]
    public async Task Snapshot_bytes_never_go_down_when_a_file_restarts()
    {
        // A dropped connection, then a server that ignores the resume's Range: the file starts over from byte 0.
        Func<FakeHubRequest, bool> big = RequestFilters.Download("weights/big.bin");
        _f.Hub.InjectFault(FakeFault.DropAfter(1_400_000), r => r.IsCdn && big(r));
        _f.Hub.InjectFault(FakeFault.IgnoreRange(), r => r.IsCdn && big(r));
        var reports = new List<SnapshotProgress>();

        await _f.Api.DownloadSnapshotAsync(Repo, new SnapshotDownloadOptions
        {
            AllowPatterns = ["weights/big.bin"],
            Progress = new SynchronousProgress<SnapshotProgress>(reports.Add),
        });

        Assert.Equal(Big.Length, reports[^1].BytesDownloaded);
        for (int i = 1; i < reports.Count; i++)
        {
            Assert.True(reports[i].BytesDownloaded >= reports[i - 1].BytesDownloaded,
                $"report {i}: {reports[i - 1].BytesDownloaded} -> {reports[i].BytesDownloaded} (all: {string.Join(", ", reports.Select(r => r.BytesDownloaded))})");
        }
    }

    [Fact]
    public async Task FileProgress_reports_each_downloaded_file_complete_once()
    {
        var complete = new ConcurrentDictionary<string, int>();

        await _f.Api.DownloadSnapshotAsync(Repo, new SnapshotDownloadOptions
        {
            AllowPatterns = ["small/*"],
            FileProgress = new SynchronousProgress<DownloadProgress>(p =>
            {
                if (p.BytesDownloaded == p.TotalBytes) complete.AddOrUpdate(p.Path, 1, (_, n) => n + 1);
            }),
        });

        Assert.Equal(10, complete.Count);
        Assert.All(complete, kv => Assert.True(kv.Value == 1, $"{kv.Key} reported complete {kv.Value} times"));
    }
}
