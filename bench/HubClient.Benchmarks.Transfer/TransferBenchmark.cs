using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace HubClient.Benchmarks.Transfer;

internal sealed record BenchOptions(long SizeMiB, int Files, int Runs, string? WorkDirectory, bool ForceKestrel)
{
    public static BenchOptions Parse(string[] args)
    {
        long size = 1024;
        int files = 2000, runs = 3;
        string? work = null;
        bool kestrel = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--size-mib": size = long.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--files": files = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--work-dir": work = args[++i]; break;
                case "--kestrel": kestrel = true; break;
                default: throw new ArgumentException($"Unknown option {args[i]}. Options: --size-mib N --files N --runs N --work-dir DIR --kestrel");
            }
        }
        return new BenchOptions(size, files, runs, work, kestrel);
    }
}

/// <summary>One row of the report.</summary>
internal sealed record Row(string Scenario, string Tool, double Seconds, string Rate, long PeakRssKb, double CpuSeconds = 0);

/// <summary>
/// Starts a static hub on loopback, then measures side by side: the large file (HubClient verified, curl, curl + sha256sum,
/// aria2c -x8), the small-file snapshot (HubClient vs xargs -P 8 curl) and the latency of cached calls.
/// </summary>
internal sealed class TransferBenchmark
{
    private readonly BenchOptions _options;
    private readonly List<Row> _rows = [];
    private readonly string _work;

    public TransferBenchmark(BenchOptions options)
    {
        _options = options;
        _work = options.WorkDirectory ?? Path.Combine(Path.GetTempPath(), "hubclient-bench-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
    }

    private long BigBytes => _options.SizeMiB * 1024 * 1024;

    private string _loadBefore = "";

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]);
        }
        catch (IOException)
        {
            return "?";
        }
    }

    public async Task<int> RunAsync()
    {
        _loadBefore = LoadAverage();
        Console.CancelKeyPress += (_, _) => Cleanup();
        IHubServer? server = null;
        try
        {
            Console.Error.WriteLine($"Generating {_options.SizeMiB} MiB file and {_options.Files} small files in {_work} …");
            BenchSite site = BenchSite.Create(Path.Combine(_work, "site"), BigBytes, _options.Files);
            server = StartServer(site);
            Console.Error.WriteLine($"Serving on {server.Endpoint} with {server.Name}.");

            await BigFileAsync(site, server);
            await SnapshotAsync(site, server);
            await LatencyAsync(server);
            Print(server);
            return 0;
        }
        finally
        {
            server?.Dispose();
            Cleanup();
        }
    }

    private IHubServer StartServer(BenchSite site)
    {
        if (!_options.ForceKestrel && NginxServer.Find() is { } nginx)
        {
            try
            {
                return NginxServer.Start(nginx, site, Path.Combine(_work, "nginx"));
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
            {
                Console.Error.WriteLine($"nginx failed to start ({e.Message}); using Kestrel.");
            }
        }
        return KestrelHubServer.Start(site);
    }

    private async Task BigFileAsync(BenchSite site, IHubServer server)
    {
        string scenario = $"{_options.SizeMiB} MiB file, cold";
        string url = server.Endpoint + "/cdn/" + site.BigSha256;
        string dotnet = Environment.ProcessPath!;
        string self = typeof(TransferBenchmark).Assembly.Location;
        bool viaDotnet = Path.GetFileNameWithoutExtension(dotnet) == "dotnet";

        foreach ((string mode, string tool) in new[] { ("parallel", "HubClient, 8 ranges, SHA-256 verified"), ("single", "HubClient, 1 stream, SHA-256 verified") })
        {
            var runs = new List<(double Seconds, long Rss, double Cpu)>();
            for (int i = 0; i < _options.Runs; i++)
            {
                string cache = Path.Combine(_work, "cache-big");
                Delete(cache);
                ProcessRunner.Sync();
                string[] args = viaDotnet ? [self, "download", server.Endpoint, cache, mode] : ["download", server.Endpoint, cache, mode];
                ProcessResult result = ProcessRunner.Run(dotnet, args);
                if (result.ExitCode != 0) throw new InvalidOperationException($"HubClient download failed: {result.Output}");
                string[] parts = result.Output.Trim().Split(' ');
                if (long.Parse(parts[2], CultureInfo.InvariantCulture) != BigBytes) throw new InvalidOperationException("Wrong size downloaded.");
                runs.Add((double.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture), double.Parse(parts[3], CultureInfo.InvariantCulture)));
            }
            (double seconds, long rss, double cpu) = Median(runs);
            _rows.Add(new Row(scenario, tool, seconds, Mbps(BigBytes, seconds), rss, cpu));
        }

        if (ProcessRunner.Which("curl") is { } curl)
        {
            string output = Path.Combine(_work, "curl.bin");
            AddExternal(scenario, "curl -o (no verification)", BigBytes, () =>
            {
                Delete(output);
                return ProcessRunner.Run(curl, ["-sf", "-o", output, url]);
            });
            if (ProcessRunner.Which("sha256sum") is { } sha256sum)
            {
                AddExternal(scenario, "curl -o, then sha256sum", BigBytes, () =>
                {
                    Delete(output);
                    ProcessResult download = ProcessRunner.Run(curl, ["-sf", "-o", output, url]);
                    ProcessResult hash = ProcessRunner.Run(sha256sum, [output]);
                    if (!hash.Output.StartsWith(site.BigSha256, StringComparison.Ordinal)) throw new InvalidOperationException("curl's file has another hash.");
                    return download with { Seconds = download.Seconds + hash.Seconds, ExitCode = download.ExitCode | hash.ExitCode, CpuSeconds = download.CpuSeconds + hash.CpuSeconds };
                });
            }
            Delete(output);
        }
        if (ProcessRunner.Which("aria2c") is { } aria2c)
        {
            string dir = Path.Combine(_work, "aria2");
            AddExternal(scenario, "aria2c -x8 -s8 (no verification)", BigBytes, () =>
            {
                Delete(dir);
                return ProcessRunner.Run(aria2c,
                [
                    "-x8", "-s8", "-k1M", "--file-allocation=falloc", "--allow-overwrite=true", "--auto-file-renaming=false",
                    "--console-log-level=error", "--summary-interval=0", "-q", "-d", dir, "-o", "big.bin", url,
                ]);
            });
            Delete(dir);
        }
        await Task.CompletedTask;
    }

    private async Task SnapshotAsync(BenchSite site, IHubServer server)
    {
        string scenario = $"snapshot, {site.SmallFiles.Count} small files, cold";
        long bytes = site.SmallFiles.Sum(f => f.Size);

        // Untimed warm-up: JIT and connection pool, as a long-running process would have them.
        await HubSnapshotAsync(server, Path.Combine(_work, "cache-warmup"), ["shard-00/*"]);
        Delete(Path.Combine(_work, "cache-warmup"));

        var runs = new List<(double, long, double)>();
        for (int i = 0; i < _options.Runs; i++)
        {
            string cache = Path.Combine(_work, "cache-small");
            Delete(cache);
            ProcessRunner.Sync();
            TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            await HubSnapshotAsync(server, cache, null);
            runs.Add((clock.Elapsed.TotalSeconds, 0, (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds));
        }
        (double hubSeconds, _, double hubCpu) = Median(runs);
        _rows.Add(new Row(scenario, "HubClient snapshot, 8 files in flight, git SHA-1 verified (in process)", hubSeconds, FilesPerSecond(site.SmallFiles.Count, hubSeconds), 0, hubCpu));
        Delete(Path.Combine(_work, "cache-small"));

        if (ProcessRunner.Which("curl") is not { } curl || ProcessRunner.Which("xargs") is not { } xargs) return;
        string outDir = Path.Combine(_work, "curl-small");
        string Url(string path) => $"{server.Endpoint}/{BenchSite.SmallRepo}/resolve/{site.SmallCommit}/{path}";
        var perFile = new StringBuilder();
        foreach ((string path, _, _) in site.SmallFiles) perFile.Append(Path.Combine(outDir, path)).Append(' ').Append(Url(path)).Append('\n');
        AddExternal(scenario, "xargs -P 8 curl, 1 file per process", site.SmallFiles.Count, () =>
        {
            Delete(outDir);
            return ProcessRunner.Run(xargs, ["-P", "8", "-n", "2", curl, "-sf", "--create-dirs", "-o"], perFile.ToString());
        }, filesRate: true);
        var batched = new StringBuilder();
        foreach ((string path, _, _) in site.SmallFiles) batched.Append("-o ").Append(Path.Combine(outDir, path)).Append(' ').Append(Url(path)).Append('\n');
        int perProcess = (site.SmallFiles.Count + 7) / 8;
        AddExternal(scenario, $"xargs -P 8 curl, {perProcess} files per process (keep-alive)", site.SmallFiles.Count, () =>
        {
            Delete(outDir);
            return ProcessRunner.Run(xargs, ["-P", "8", "-n", (3 * perProcess).ToString(CultureInfo.InvariantCulture), curl, "-sf", "--create-dirs"], batched.ToString());
        }, filesRate: true);
        Delete(outDir);
    }

    private static async Task HubSnapshotAsync(IHubServer server, string cache, string[]? allow)
    {
        using var api = new HubApi(new HubApiOptions { Endpoint = server.Endpoint, CacheDirectory = cache, Token = null });
        await api.DownloadSnapshotAsync(BenchSite.SmallRepo, new SnapshotDownloadOptions { AllowPatterns = allow });
    }

    private async Task LatencyAsync(IHubServer server)
    {
        // A cached copy of the large file, downloaded once more (untimed).
        string cache = Path.Combine(_work, "cache-latency");
        using var online = new HubApi(new HubApiOptions { Endpoint = server.Endpoint, CacheDirectory = cache, Token = null });
        await online.DownloadFileAsync(BenchSite.BigRepo, BenchSite.BigFile);
        using var offline = new HubApi(new HubApiOptions { Endpoint = server.Endpoint, CacheDirectory = cache, Token = null, Offline = true });

        double warm = await MedianLatencyAsync(() => online.DownloadFileAsync(BenchSite.BigRepo, BenchSite.BigFile), 300);
        _rows.Add(new Row("cached file, online", "HubClient DownloadFileAsync (one HEAD)", warm, "median", 0));
        double local = await MedianLatencyAsync(() => offline.DownloadFileAsync(BenchSite.BigRepo, BenchSite.BigFile), 3000);
        _rows.Add(new Row("cached file, offline", "HubClient DownloadFileAsync (no request)", local, "median", 0));
        Delete(cache);
    }

    private static async Task<double> MedianLatencyAsync(Func<Task<string>> call, int count)
    {
        for (int i = 0; i < 20; i++) await call();
        double[] samples = new double[count];
        for (int i = 0; i < count; i++)
        {
            long start = Stopwatch.GetTimestamp();
            await call();
            samples[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        Array.Sort(samples);
        return samples[count / 2];
    }

    private void AddExternal(string scenario, string tool, long units, Func<ProcessResult> run, bool filesRate = false)
    {
        var runs = new List<(double, long, double)>();
        for (int i = 0; i < _options.Runs; i++)
        {
            ProcessRunner.Sync();
            ProcessResult result = run();
            if (result.ExitCode != 0) throw new InvalidOperationException($"{tool} failed ({result.ExitCode}): {result.Output}");
            runs.Add((result.Seconds, result.PeakRssKb, result.CpuSeconds));
        }
        (double seconds, long rss, double cpu) = Median(runs);
        _rows.Add(new Row(scenario, tool, seconds, filesRate ? FilesPerSecond(units, seconds) : Mbps(units, seconds), rss, cpu));
    }

    private void Print(IHubServer server)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Server: {server.Name} on 127.0.0.1; {Environment.ProcessorCount} cores; .NET {Environment.Version}; median of {_options.Runs} runs; load average {_loadBefore} before, {LoadAverage()} after.");
        text.AppendLine();
        text.AppendLine("| Scenario | Tool | Time | Rate | Peak RSS | CPU (user+sys) |");
        text.AppendLine("| --- | --- | ---: | ---: | ---: | ---: |");
        foreach (Row row in _rows)
        {
            string time = row.Rate == "median" ? FormatLatency(row.Seconds) : row.Seconds.ToString("0.000 s", CultureInfo.InvariantCulture);
            string rss = row.PeakRssKb > 0 ? (row.PeakRssKb / 1024.0).ToString("0 MB", CultureInfo.InvariantCulture) : "";
            string cpu = row.CpuSeconds > 0 ? row.CpuSeconds.ToString("0.00 s", CultureInfo.InvariantCulture) : "";
            text.AppendLine(CultureInfo.InvariantCulture, $"| {row.Scenario} | {row.Tool} | {time} | {row.Rate} | {rss} | {cpu} |");
        }
        text.AppendLine();
        Row? hub = _rows.FirstOrDefault(r => r.Tool.StartsWith("HubClient, 8 ranges", StringComparison.Ordinal));
        Row? curl = _rows.FirstOrDefault(r => r.Tool.StartsWith("curl -o (", StringComparison.Ordinal));
        if (hub is not null && curl is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Headline: HubClient (verified) / curl (unverified) throughput = {curl.Seconds / hub.Seconds:0.00}x (target >= 0.90x); HubClient peak RSS {hub.PeakRssKb / 1024.0:0} MB (target < 150 MB).");
        }
        Row? snap = _rows.FirstOrDefault(r => r.Tool.StartsWith("HubClient snapshot", StringComparison.Ordinal));
        foreach (Row xargs in _rows.Where(r => r.Tool.StartsWith("xargs", StringComparison.Ordinal)))
        {
            if (snap is null) break;
            text.AppendLine(CultureInfo.InvariantCulture, $"Snapshot: HubClient wall time / {xargs.Tool} = {snap.Seconds / xargs.Seconds:0.00}x (target <= 1.50x).");
        }
        Console.WriteLine(text.ToString());
    }

    private static string FormatLatency(double seconds) =>
        seconds >= 1e-3 ? (seconds * 1e3).ToString("0.00 ms", CultureInfo.InvariantCulture) : (seconds * 1e6).ToString("0 µs", CultureInfo.InvariantCulture);

    private static string Mbps(long bytes, double seconds) => (bytes / 1e6 / seconds).ToString("0 MB/s", CultureInfo.InvariantCulture);

    private static string FilesPerSecond(long files, double seconds) => (files / seconds).ToString("0 files/s", CultureInfo.InvariantCulture);

    /// <summary>The run of median time (with its CPU), and the highest peak RSS of all runs.</summary>
    private static (double Seconds, long Rss, double Cpu) Median(List<(double Seconds, long Rss, double Cpu)> runs)
    {
        var sorted = runs.OrderBy(r => r.Seconds).ToList();
        return (sorted[sorted.Count / 2].Seconds, runs.Max(r => r.Rss), sorted[sorted.Count / 2].Cpu);
    }

    private void Cleanup()
    {
        if (_options.WorkDirectory is null) Delete(_work);
    }

    private static void Delete(string path)
    {
        try
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
            else if (File.Exists(path)) File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"Could not delete {path}: {e.Message}");
        }
    }
}
