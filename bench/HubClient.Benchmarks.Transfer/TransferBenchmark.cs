using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace HubClient.Benchmarks.Transfer;

internal sealed record BenchOptions(long SizeMiB, int Files, int Runs, string? WorkDirectory, bool ForceKestrel, bool Keep, bool Xet = false, string RateCap = "50m")
{
    public static BenchOptions Parse(string[] args)
    {
        long size = 1024;
        int files = 2000, runs = 3;
        string? work = null;
        bool kestrel = false, keep = false, xet = false;
        string rate = "50m";
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--size-mib": size = long.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--files": files = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--work-dir": work = args[++i]; break;
                case "--kestrel": kestrel = true; break;
                case "--keep": keep = true; break;
                case "--xet": xet = true; break;
                case "--rate-cap": rate = args[++i]; break;
                default: throw new ArgumentException($"Unknown option {args[i]}. Options: --size-mib N --files N --runs N --work-dir DIR --kestrel --keep --xet --rate-cap 50m");
            }
        }
        return new BenchOptions(size, files, runs, work, kestrel, keep, xet, rate);
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
        _work = Path.Combine(options.WorkDirectory ?? Path.GetTempPath(), "hubclient-bench-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
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
            Console.Error.WriteLine($"Generating {_options.SizeMiB} MiB file and {(_options.Xet ? 0 : _options.Files)} small files in {_work} …");
            BenchSite site = BenchSite.Create(Path.Combine(_work, "site"), BigBytes, _options.Xet ? 0 : _options.Files);
            if (_options.Xet)
            {
                return await XetAsync(site);
            }
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

    /// <summary>
    /// <c>--xet</c>: the large file over Xet storage against the plain-HTTP bridge in 8 ranges and in 1 stream, on loopback
    /// and with nginx's <c>limit_rate</c> on every connection to the file bytes (bridge and xorbs alike).
    /// </summary>
    private async Task<int> XetAsync(BenchSite site)
    {
        if (_options.ForceKestrel || NginxServer.Find() is not { } nginx)
        {
            Console.Error.WriteLine("The Xet comparison needs nginx (the Kestrel fallback does not serve Xet storage).");
            return 1;
        }
        Console.Error.WriteLine("Storing the file as Xet xorbs …");
        var clock = Stopwatch.StartNew();
        XetSite xet = XetSite.Create(Path.Combine(_work, "site"), site.BigPath);
        _xetLayout = string.Create(CultureInfo.InvariantCulture,
            $"{xet.ChunkCount} chunks ({xet.Lz4Chunks} LZ4, {xet.ChunkCount - xet.Lz4Chunks} stored as is) in {xet.XorbCount} xorbs, {xet.StoredBytes / 1e6:0} MB stored for {BigBytes / 1e6:0} MB (built in {clock.Elapsed.TotalSeconds:0} s)");
        Console.Error.WriteLine(_xetLayout);
        using NginxServer server = NginxServer.Start(nginx, site, Path.Combine(_work, "nginx"), xet, _options.RateCap);
        Console.Error.WriteLine($"Serving on {server.Endpoint} and, capped at {_options.RateCap}B/s per connection, on {server.CappedEndpoint}, with {server.Name}.");
        await XetRoundsAsync(server.Endpoint, "loopback");
        await XetRoundsAsync(server.CappedEndpoint!, $"limit_rate {_options.RateCap}");
        Print(server);
        return 0;
    }

    private string? _xetLayout;
    private readonly List<string> _xetRatios = [];

    private const string XetTool = "HubClient, Xet storage (16 xorb fetches, the default), Xet hash + SHA-256 verified";
    private const string Xet8Tool = "HubClient, Xet storage (8 xorb fetches), Xet hash + SHA-256 verified";
    private const string BridgeRangesTool = "HubClient, bridge, 8 ranges, SHA-256 verified";
    private const string BridgeStreamTool = "HubClient, bridge, 1 stream, SHA-256 verified";

    private async Task XetRoundsAsync(string endpoint, string network)
    {
        string scenario = $"{_options.SizeMiB} MiB file, cold, {network}";
        // Each process downloads twice (the cache emptied before each); the second, a warm process's, is the one reported.
        Measurement Run(string mode, int xetFetches = TransferOptions.DefaultMaxXetFetches) => HubClientDownload(endpoint, mode, downloads: 2, xetFetches: xetFetches).Steady;
        var contenders = new List<Contender>
        {
            new(XetTool, _ => Task.FromResult(Run("xet"))),
            new(Xet8Tool, _ => Task.FromResult(Run("xet", xetFetches: 8))),
            new(BridgeRangesTool, _ => Task.FromResult(Run("parallel"))),
            new(BridgeStreamTool, _ => Task.FromResult(Run("single"))),
        };
        Dictionary<string, List<Measurement>> results = await RoundsAsync(scenario, contenders, seconds => Mbps(BigBytes, seconds));
        _xetRatios.Add(string.Create(CultureInfo.InvariantCulture,
            $"{network}: Xet time / bridge 8 ranges = {MedianRatio(results[XetTool], results[BridgeRangesTool]):0.00}x, / bridge 1 stream = {MedianRatio(results[XetTool], results[BridgeStreamTool]):0.00}x (median of per-round ratios; target <= 1.10x against 8 ranges); 8 xorb fetches / bridge 8 ranges = {MedianRatio(results[Xet8Tool], results[BridgeRangesTool]):0.00}x. Xet peak RSS {results[XetTool].Max(m => m.PeakRssKb) / 1024.0:0} MB (target < 200 MB)."));
        Delete(Path.Combine(_work, "cache-big"));
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

    /// <summary>One way of doing a scenario, run once per round.</summary>
    private sealed record Contender(string Tool, Func<int, Task<Measurement>> RunAsync);

    private sealed record Measurement(double Seconds, long PeakRssKb, double CpuSeconds);

    /// <summary>
    /// Runs every contender once per round, round after round (interleaved, so that all of them see the same machine load),
    /// and reports each one's median; also keeps each round's times for paired ratios.
    /// </summary>
    private async Task<Dictionary<string, List<Measurement>>> RoundsAsync(string scenario, IReadOnlyList<Contender> contenders, Func<double, string> rate)
    {
        var results = contenders.ToDictionary(c => c.Tool, _ => new List<Measurement>());
        for (int round = 0; round < _options.Runs; round++)
        {
            foreach (Contender contender in contenders)
            {
                ProcessRunner.Sync();
                results[contender.Tool].Add(await contender.RunAsync(round));
            }
        }
        foreach (Contender contender in contenders)
        {
            List<Measurement> runs = results[contender.Tool];
            Measurement median = runs.OrderBy(r => r.Seconds).ElementAt(runs.Count / 2);
            _rows.Add(new Row(scenario, contender.Tool, median.Seconds, rate(median.Seconds), runs.Max(r => r.PeakRssKb), median.CpuSeconds));
        }
        return results;
    }

    private static double MedianRatio(List<Measurement> numerator, List<Measurement> denominator) =>
        numerator.Zip(denominator, (n, d) => n.Seconds / d.Seconds).Order().ElementAt(numerator.Count / 2);

    private async Task BigFileAsync(BenchSite site, IHubServer server)
    {
        string scenario = $"{_options.SizeMiB} MiB file, cold";
        string url = server.Endpoint + "/cdn/" + site.BigSha256;
        // Each HubClient process downloads three times: the first pays for JIT compilation, the last is the steady state.
        Measurement? parallelFresh = null, singleFresh = null;
        var contenders = new List<Contender>
        {
            new(ParallelTool, _ =>
            {
                (Measurement fresh, Measurement steady) = HubClientDownload(server.Endpoint, "parallel");
                parallelFresh = fresh;
                return Task.FromResult(steady);
            }),
            new(ParallelFreshTool, _ => Task.FromResult(parallelFresh!)),
            new(SingleTool, _ =>
            {
                (Measurement fresh, Measurement steady) = HubClientDownload(server.Endpoint, "single");
                singleFresh = fresh;
                return Task.FromResult(steady);
            }),
            new(SingleFreshTool, _ => Task.FromResult(singleFresh!)),
        };
        string output = Path.Combine(_work, "curl.bin");
        if (ProcessRunner.Which("curl") is { } curl)
        {
            contenders.Add(new(CurlTool, _ =>
            {
                Delete(output);
                return Task.FromResult(External(ProcessRunner.Run(curl, ["-sf", "-o", output, url]), CurlTool));
            }));
            if (ProcessRunner.Which("sha256sum") is { } sha256sum)
            {
                contenders.Add(new("curl -o, then sha256sum", _ =>
                {
                    Delete(output);
                    ProcessResult download = ProcessRunner.Run(curl, ["-sf", "-o", output, url]);
                    ProcessResult hash = ProcessRunner.Run(sha256sum, [output]);
                    if (!hash.Output.StartsWith(site.BigSha256, StringComparison.Ordinal)) throw new InvalidOperationException("curl's file has another hash.");
                    return Task.FromResult(new Measurement(download.Seconds + hash.Seconds, Math.Max(download.PeakRssKb, hash.PeakRssKb), download.CpuSeconds + hash.CpuSeconds));
                }));
            }
        }
        string aria2Dir = Path.Combine(_work, "aria2");
        if (ProcessRunner.Which("aria2c") is { } aria2c)
        {
            contenders.Add(new("aria2c -x8 -s8 (no verification)", _ =>
            {
                Delete(aria2Dir);
                return Task.FromResult(External(ProcessRunner.Run(aria2c,
                [
                    "-x8", "-s8", "-k1M", "--file-allocation=falloc", "--allow-overwrite=true", "--auto-file-renaming=false",
                    "--console-log-level=error", "--summary-interval=0", "-q", "-d", aria2Dir, "-o", "big.bin", url,
                ]), "aria2c"));
            }));
        }

        Dictionary<string, List<Measurement>> results = await RoundsAsync(scenario, contenders, seconds => Mbps(BigBytes, seconds));
        if (results.TryGetValue(CurlTool, out List<Measurement>? curlRuns))
        {
            _bigRatio = MedianRatio(curlRuns, results[ParallelTool]);
            _bigFreshRatio = MedianRatio(curlRuns, results[ParallelFreshTool]);
        }
        Delete(output);
        Delete(aria2Dir);
        Delete(Path.Combine(_work, "cache-big"));
    }

    private const string ParallelTool = "HubClient, 8 ranges, SHA-256 verified (warm process)";
    private const string ParallelFreshTool = "HubClient, 8 ranges, SHA-256 verified (first download of a fresh process, incl. JIT)";
    private const string SingleTool = "HubClient, 1 stream, SHA-256 verified (warm process)";
    private const string SingleFreshTool = "HubClient, 1 stream, SHA-256 verified (first download of a fresh process, incl. JIT)";
    private const string CurlTool = "curl -o (no verification)";
    private const string SnapshotTool = "HubClient snapshot, 8 files in flight, git SHA-1 verified (in process)";
    private double? _bigRatio;
    private double? _bigFreshRatio;
    private readonly Dictionary<string, double> _snapshotRatios = [];

    /// <summary>
    /// HubClient downloading the large file in a process of its own (for its own peak RSS): the first download of that
    /// process, and its third (steady state). Each starts from an empty cache.
    /// </summary>
    private (Measurement Fresh, Measurement Steady) HubClientDownload(string endpoint, string mode, int downloads = 3, int xetFetches = TransferOptions.DefaultMaxXetFetches)
    {
        string dotnet = Environment.ProcessPath!;
        string self = typeof(TransferBenchmark).Assembly.Location;
        string cache = Path.Combine(_work, "cache-big");
        Delete(cache);
        string[] args = Path.GetFileNameWithoutExtension(dotnet) == "dotnet" ? [self, "download", endpoint, cache, mode] : ["download", endpoint, cache, mode];
        ProcessResult result = ProcessRunner.Run(dotnet, args, environment: new()
        {
            ["HUBBENCH_DOWNLOADS"] = downloads.ToString(CultureInfo.InvariantCulture),
            ["HUBBENCH_XET_FETCHES"] = xetFetches.ToString(CultureInfo.InvariantCulture),
        });
        if (result.ExitCode != 0) throw new InvalidOperationException($"HubClient download failed: {result.Output}");
        double[] v = result.Output.Trim().Split(' ').Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();
        if ((long)v[2] != BigBytes || (long)v[5] != BigBytes) throw new InvalidOperationException("Wrong size downloaded.");
        long rss = (long)v[6];
        return (new Measurement(v[0], rss, v[1]), new Measurement(v[3], rss, v[4]));
    }

    private static Measurement External(ProcessResult result, string tool) =>
        result.ExitCode == 0 ? new Measurement(result.Seconds, result.PeakRssKb, result.CpuSeconds)
        : throw new InvalidOperationException($"{tool} failed ({result.ExitCode}): {result.Output}");

    private async Task SnapshotAsync(BenchSite site, IHubServer server)
    {
        string scenario = $"snapshot, {site.SmallFiles.Count} small files, cold";

        // Untimed warm-up: JIT and connection pool, as a long-running process would have them.
        string small = Path.Combine(_work, "small");
        await HubSnapshotAsync(server, Path.Combine(small, "warmup"), null);

        // Every run writes into a folder of its own, all deleted at the end: deleting thousands of files just before creating
        // as many makes ext4's inode allocator scan past the recently deleted ones (measuring the file system, not the tools).
        var contenders = new List<Contender>
        {
            new(SnapshotTool, async round =>
            {
                string cache = Path.Combine(small, "hubclient-" + round.ToString(CultureInfo.InvariantCulture));
                TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                await HubSnapshotAsync(server, cache, null);
                return new Measurement(clock.Elapsed.TotalSeconds, 0, (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds);
            }),
        };

        if (ProcessRunner.Which("curl") is { } curl && ProcessRunner.Which("xargs") is { } xargs)
        {
            string Url(string path) => $"{server.Endpoint}/{BenchSite.SmallRepo}/resolve/{site.SmallCommit}/{path}";
            string List(string outDir, bool batched)
            {
                var list = new StringBuilder();
                foreach ((string path, _, _) in site.SmallFiles)
                {
                    list.Append(batched ? "-o " : "").Append(Path.Combine(outDir, path)).Append(' ').Append(Url(path)).Append('\n');
                }
                return list.ToString();
            }
            contenders.Add(new("xargs -P 8 curl, 1 file per process", round =>
            {
                string outDir = Path.Combine(small, "curl-" + round.ToString(CultureInfo.InvariantCulture));
                return Task.FromResult(External(ProcessRunner.Run(xargs, ["-P", "8", "-n", "2", curl, "-sf", "--create-dirs", "-o"], List(outDir, false)), "xargs curl"));
            }));
            int perProcess = (site.SmallFiles.Count + 7) / 8;
            contenders.Add(new($"xargs -P 8 curl, {perProcess} files per process (keep-alive)", round =>
            {
                string outDir = Path.Combine(small, "curl-batched-" + round.ToString(CultureInfo.InvariantCulture));
                return Task.FromResult(External(ProcessRunner.Run(
                    xargs, ["-P", "8", "-n", (3 * perProcess).ToString(CultureInfo.InvariantCulture), curl, "-sf", "--create-dirs"], List(outDir, true)), "xargs curl"));
            }));
        }

        Dictionary<string, List<Measurement>> results = await RoundsAsync(scenario, contenders, seconds => FilesPerSecond(site.SmallFiles.Count, seconds));
        foreach ((string tool, List<Measurement> runs) in results)
        {
            if (tool != SnapshotTool) _snapshotRatios[tool] = MedianRatio(results[SnapshotTool], runs);
        }
        Delete(small);
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
        if (_xetLayout is not null) text.AppendLine("Xet layout: " + _xetLayout + ".");
        foreach (string line in _xetRatios) text.AppendLine(line);
        Row? hub = _rows.FirstOrDefault(r => r.Tool == ParallelTool);
        if (_bigFreshRatio is { } fresh)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"First download of a fresh process (JIT included): HubClient / curl throughput = {fresh:0.00}x.");
        }
        if (_bigRatio is { } ratio && hub is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"Headline: HubClient (SHA-256 verified) / curl (unverified) throughput = {ratio:0.00}x (median of per-round ratios; target >= 0.90x). HubClient peak RSS {hub.PeakRssKb / 1024.0:0} MB (target < 150 MB).");
        }
        foreach ((string tool, double snapshotRatio) in _snapshotRatios)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Snapshot: HubClient wall time / {tool} = {snapshotRatio:0.00}x (median of per-round ratios; target <= 1.50x).");
        }
        Console.WriteLine(text.ToString());
    }

    private static string FormatLatency(double seconds) =>
        seconds >= 1e-3 ? (seconds * 1e3).ToString("0.00 ms", CultureInfo.InvariantCulture) : (seconds * 1e6).ToString("0 µs", CultureInfo.InvariantCulture);

    private static string Mbps(long bytes, double seconds) => (bytes / 1e6 / seconds).ToString("0 MB/s", CultureInfo.InvariantCulture);

    private static string FilesPerSecond(long files, double seconds) => (files / seconds).ToString("0 files/s", CultureInfo.InvariantCulture);

    private void Cleanup()
    {
        if (!_options.Keep) Delete(_work);
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
