using HubClient.Cli.Output;

namespace HubClient.Tests.Cli;

/// <summary>
/// <c>hub download</c> over the transports of the engine: <c>--verbose</c> names the one each file came over (Xet storage,
/// parallel HTTP ranges, one HTTP stream), a fallback from Xet to the bridge is always noted, and progress counts a Xet
/// file's bytes like any others.
/// </summary>
public sealed class DownloadTransportTests : IAsyncLifetime
{
    private const string Repo = "acme/xet-model";
    private static readonly byte[] XetWeights = Bytes.Random(700_000, seed: 91);
    private static readonly byte[] LfsWeights = Bytes.Random(300_000, seed: 92);
    private readonly HubFixture _f = new();

    public Task InitializeAsync()
    {
        _f.Hub.AddRepo(Repo).Commit(c => c.Add("config.json", "{}").AddXet("model.bin", XetWeights).AddLfs("weights.bin", LfsWeights));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    private Task<CliResult> Run(params string[] args) => CliRunner.RunAsync(_f, [.. args, "--cache-dir", _f.CacheDirectory]);

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Fact]
    public async Task Verbose_names_the_transport_of_each_file_and_the_snapshot_total_counts_xet_bytes()
    {
        CliResult run = await Run("download", Repo, "--verbose");

        Assert.Equal(0, run.Code);
        string[] fetched = [.. Lines(run.Err).Where(l => l.StartsWith("fetched ", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
        Assert.Equal(["fetched config.json over one HTTP stream", "fetched model.bin over Xet storage", "fetched weights.bin over one HTTP stream"], fetched);
        Assert.Contains(_f.Hub.Requests, r => r.IsXorb);
        string total = ByteSize.Format(2 + XetWeights.Length + LfsWeights.Length);
        Assert.Contains($"[3/3] {total} of {total}", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_verbose_no_transport_is_named_and_a_xet_file_reports_all_its_bytes()
    {
        CliResult run = await Run("download", Repo, "model.bin");

        Assert.Equal(0, run.Code);
        Assert.Equal([$"downloaded model.bin ({ByteSize.Format(XetWeights.Length)})"], Lines(run.Err));
        Assert.Contains(_f.Hub.Requests, r => r.IsXorb);
        Assert.DoesNotContain(_f.Hub.Requests, r => r.IsCdn);
    }

    [Fact]
    public async Task A_xet_file_the_cas_cannot_serve_is_noted_and_comes_over_the_bridge()
    {
        _f.Hub.InjectFault(FakeFault.Status(503), r => r.IsCas, times: null);

        CliResult run = await Run("download", Repo, "model.bin", "--verbose");

        Assert.Equal(0, run.Code);
        string[] lines = Lines(run.Err);
        Assert.Single(lines, l => l.StartsWith("note: Xet storage could not serve model.bin (", StringComparison.Ordinal) && l.EndsWith("); it comes over the plain-HTTP bridge", StringComparison.Ordinal));
        Assert.Equal("fetched model.bin over one HTTP stream", Assert.Single(lines, l => l.StartsWith("fetched ", StringComparison.Ordinal)));
        Assert.Contains($"downloaded model.bin ({ByteSize.Format(XetWeights.Length)})", lines);
        Assert.Equal(XetWeights, await File.ReadAllBytesAsync(Assert.Single(run.OutLines)));
    }

    [Fact]
    public async Task A_bridge_that_continues_what_xet_wrote_says_so()
    {
        // An earlier run over Xet, one term at a time, stopped after its first term: its partial and ledger stay.
        using (HubApi first = _f.NewClient(o => o.Transfer.MaxXetFetches = 1))
        using (var stop = new CancellationTokenSource())
        {
            var progress = new SynchronousProgress<DownloadProgress>(p =>
            {
                if (p.BytesDownloaded > 0) stop.Cancel();
            });
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                first.DownloadFileAsync(Repo, "model.bin", new DownloadFileOptions { Progress = progress }, stop.Token));
        }
        _f.Hub.InjectFault(FakeFault.Status(404), r => r.IsXorb, times: null); // Gone from the xorb store: no retries.

        CliResult run = await Run("download", Repo, "model.bin");

        Assert.Equal(0, run.Code);
        string note = Assert.Single(Lines(run.Err), l => l.StartsWith("note: the bridge continues model.bin from the ", StringComparison.Ordinal));
        Assert.EndsWith(" Xet storage wrote", note, StringComparison.Ordinal);
        FakeHubRequest bridge = Assert.Single(_f.Hub.Requests, r => r.IsCdn);
        Assert.StartsWith("bytes=", bridge.Range, StringComparison.Ordinal);
        Assert.Equal(XetWeights, await File.ReadAllBytesAsync(Assert.Single(run.OutLines)));
    }
}
