using System.Diagnostics;
using System.Globalization;
using HubClient;
using HubClient.Benchmarks.Transfer;

// Modes:
//   (none)                                   the whole benchmark (see bench/README-transfer.md)
//   serve <root> <port>                      the Kestrel fallback server (child process)
//   download <endpoint> <cache> <mode>       one HubClient download of the large file (child process, for its peak RSS)
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
return await new TransferBenchmark(BenchOptions.Parse(cli)).RunAsync();

static async Task<int> ChildDownloadAsync(string endpoint, string cache, string mode)
{
    var options = new HubApiOptions { Endpoint = endpoint, CacheDirectory = cache, Token = null };
    if (mode == "single") options.Transfer.ParallelThreshold = long.MaxValue;
    // Tuning experiments: HUBBENCH_CONNECTIONS, HUBBENCH_CHUNK_MIB, HUBBENCH_BUFFER_KIB override the defaults.
    if (Environment.GetEnvironmentVariable("HUBBENCH_CONNECTIONS") is { } connections) options.Transfer.MaxConnections = int.Parse(connections, CultureInfo.InvariantCulture);
    if (Environment.GetEnvironmentVariable("HUBBENCH_CHUNK_MIB") is { } chunk) options.Transfer.ChunkSize = int.Parse(chunk, CultureInfo.InvariantCulture) * 1024 * 1024;
    if (Environment.GetEnvironmentVariable("HUBBENCH_BUFFER_KIB") is { } buffer) options.Transfer.BufferSize = int.Parse(buffer, CultureInfo.InvariantCulture) * 1024;
    using var api = new HubApi(options);
    // Untimed: JIT and connection pool warm-up on a smaller large file (twice, then a pause so that background tier-1
    // compilation is done), so the timed run measures the transfer, not the start-up of the process.
    for (int i = 0; i < 2; i++)
    {
        await api.DownloadFileAsync(BenchSite.BigRepo, BenchSite.WarmupFile, new DownloadFileOptions { ForceDownload = true });
    }
    Thread.Sleep(500);
    // HUBBENCH_REPEAT=n times the download n times (for profiling the steady state); the last one is reported.
    int repeat = int.Parse(Environment.GetEnvironmentVariable("HUBBENCH_REPEAT") ?? "1", CultureInfo.InvariantCulture);
    string path = "";
    double seconds = 0, cpu = 0;
    for (int i = 0; i < repeat; i++)
    {
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        path = await api.DownloadFileAsync(BenchSite.BigRepo, BenchSite.BigFile, new DownloadFileOptions { ForceDownload = i > 0 });
        seconds = clock.Elapsed.TotalSeconds;
        cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
    }
    long length;
    using (FileStream file = File.OpenRead(path)) length = file.Length; // Through the snapshot symlink.
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{seconds:R} {ProcessRunner.ReadOwnPeakKb()} {length} {cpu:R}"));
    return 0;
}
