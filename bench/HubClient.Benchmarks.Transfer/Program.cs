using System.Diagnostics;
using System.Globalization;
using HubClient;
using HubClient.Benchmarks.Transfer;

// Modes:
//   (none)                                   the whole benchmark (see bench/README-transfer.md)
//   serve <root> <port>                      the Kestrel fallback server (child process)
//   download <endpoint> <cache> <mode>       HubClient downloads of the large file (child process, for its peak RSS)
//   snapshot <endpoint> <cache> <n>          the small-file snapshot n times (profiling aid)
string[] cli = Environment.GetCommandLineArgs()[1..];
if (cli.Length > 0 && cli[0] == "serve")
{
    KestrelHubServer.Serve(cli[1], int.Parse(cli[2], CultureInfo.InvariantCulture));
    return 0;
}
if (cli.Length > 0 && cli[0] == "download")
{
    return await ChildDownloadAsync(cli[1], cli[2], cli[3]);
}
if (cli.Length > 0 && cli[0] == "snapshot")
{
    return await ChildSnapshotAsync(cli[1], cli[2], int.Parse(cli[3], CultureInfo.InvariantCulture));
}
return await new TransferBenchmark(BenchOptions.Parse(cli)).RunAsync();

// Profiling aid: the small-file snapshot n times in one process (a fresh cache each time), printing wall and CPU seconds.
static async Task<int> ChildSnapshotAsync(string endpoint, string cache, int count)
{
    for (int i = 0; i < count; i++)
    {
        // A new folder each time: deleting thousands of files just before creating as many makes ext4's inode allocator
        // scan past the recently deleted ones, which would measure the file system, not the client.
        using var api = new HubApi(new HubApiOptions { Endpoint = endpoint, CacheDirectory = Path.Combine(cache, i.ToString(CultureInfo.InvariantCulture)), Token = null });
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await api.DownloadSnapshotAsync(BenchSite.SmallRepo);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{clock.Elapsed.TotalSeconds:0.000} s, CPU {(Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds:0.000} s"));
    }
    Directory.Delete(cache, recursive: true);
    return 0;
}

static async Task<int> ChildDownloadAsync(string endpoint, string cache, string mode)
{
    // "xet": Xet storage (when the server offers it); "parallel", "single": the plain-HTTP bridge in 8 ranges or 1 stream.
    var options = new HubApiOptions { Endpoint = endpoint, CacheDirectory = cache, Token = null, DisableXet = mode != "xet" };
    if (mode == "single") options.Transfer.ParallelThreshold = long.MaxValue;
    // A Xet download that fell back to the bridge would measure the bridge: count fallbacks and fail on any.
    long fallbacks = 0;
    using var listener = new System.Diagnostics.Metrics.MeterListener();
    listener.InstrumentPublished = (instrument, l) =>
    {
        if (instrument == HubTelemetry.XetFallbacks) l.EnableMeasurementEvents(instrument);
    };
    listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref fallbacks, value));
    listener.Start();
    // Tuning experiments: HUBBENCH_CONNECTIONS, HUBBENCH_XET_FETCHES, HUBBENCH_CHUNK_MIB, HUBBENCH_BUFFER_KIB override the defaults.
    if (Environment.GetEnvironmentVariable("HUBBENCH_CONNECTIONS") is { } connections) options.Transfer.MaxConnections = int.Parse(connections, CultureInfo.InvariantCulture);
    if (Environment.GetEnvironmentVariable("HUBBENCH_XET_FETCHES") is { } fetches) options.Transfer.MaxXetFetches = int.Parse(fetches, CultureInfo.InvariantCulture);
    if (Environment.GetEnvironmentVariable("HUBBENCH_CHUNK_MIB") is { } chunk) options.Transfer.ChunkSize = int.Parse(chunk, CultureInfo.InvariantCulture) * 1024 * 1024;
    if (Environment.GetEnvironmentVariable("HUBBENCH_BUFFER_KIB") is { } buffer) options.Transfer.BufferSize = int.Parse(buffer, CultureInfo.InvariantCulture) * 1024;
    using var api = new HubApi(options);
    // Three timed downloads (the cache emptied before each): the first in this fresh process pays for JIT compilation;
    // the last shows the steady state of a process that has downloaded before.
    var results = new List<string>();
    int downloads = int.Parse(Environment.GetEnvironmentVariable("HUBBENCH_DOWNLOADS") ?? "3", CultureInfo.InvariantCulture); // more for profiling
    for (int i = 0; i < downloads; i++)
    {
        if (Directory.Exists(cache)) Directory.Delete(cache, recursive: true);
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        string path = await api.DownloadFileAsync(BenchSite.BigRepo, BenchSite.BigFile);
        double seconds = clock.Elapsed.TotalSeconds;
        double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        long length;
        using (FileStream file = File.OpenRead(path)) length = file.Length; // Through the snapshot symlink.
        results.Add(string.Create(CultureInfo.InvariantCulture, $"{seconds:R} {cpu:R} {length}"));
    }
    if (Interlocked.Read(ref fallbacks) > 0)
    {
        Console.Error.WriteLine($"{fallbacks} Xet download(s) fell back to the plain-HTTP bridge.");
        return 2;
    }
    if (Environment.GetEnvironmentVariable("HUBBENCH_ALL") is not null) Console.Error.WriteLine(string.Join(" | ", results));
    Console.WriteLine(string.Join(' ', results[0], results[^1], ProcessRunner.ReadOwnPeakKb().ToString(CultureInfo.InvariantCulture)));
    return 0;
}
