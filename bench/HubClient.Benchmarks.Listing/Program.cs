using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using HubClient.Benchmarks.Listing;

// Lists trees of 10k, 50k and 100k entries from a fake hub (pages of 1,000) and prints, for each size, entries per second
// and the listing's peak memory, side by side: flat figures across sizes show that one page at a time is held.
// The fake hub and each listing run in processes of their own, so the figures are the client's alone.
// Usage: dotnet run -c Release --project bench/HubClient.Benchmarks.Listing [-- 10000 50000 100000]

switch (args)
{
    case [BenchServer.ServeArgument, var count]:
        await BenchServer.RunAsync(int.Parse(count, CultureInfo.InvariantCulture));
        return;
    case [BenchClient.ListArgument, var endpoint, var count]:
        await BenchClient.RunAsync(endpoint, int.Parse(count, CultureInfo.InvariantCulture));
        return;
}

int[] sizes = args.Length > 0 ? args.Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [10_000, 50_000, 100_000];
var runs = new List<ListingRun>();
foreach (int size in sizes)
{
    using Process server = Start(BenchServer.ServeArgument, size.ToString(CultureInfo.InvariantCulture));
    try
    {
        string endpoint = await ReadLineAsync(server, line => line.StartsWith(BenchServer.ReadyPrefix, StringComparison.Ordinal) ? line[BenchServer.ReadyPrefix.Length..] : null);
        using Process client = Start(BenchClient.ListArgument, endpoint, size.ToString(CultureInfo.InvariantCulture));
        ListingRun run = await ReadLineAsync(client, ListingRun.TryParse);
        await client.WaitForExitAsync();
        runs.Add(run);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{size:N0} entries listed in {run.Seconds:0.00} s"));
    }
    finally
    {
        server.StandardInput.Close();
        await server.WaitForExitAsync();
    }
}

Console.WriteLine();
Console.WriteLine($"{"entries",10} {"pages",6} {"seconds",8} {"entries/s",10} {"client CPU µs/entry",20} {"peak heap MB",13} {"peak live MB",13} {"peak working set MB",20} {"allocated B/entry",18}");
foreach (ListingRun run in runs)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{run.Entries,10:N0} {run.Pages,6} {run.Seconds,8:0.00} {run.EntriesPerSecond,10:N0} {run.ClientCpuSeconds * 1e6 / run.Entries,20:0.0} {ListingRun.Megabytes(run.PeakHeapBytes),13} {ListingRun.Megabytes(run.PeakLiveBytes),13} {ListingRun.Megabytes(run.PeakWorkingSetBytes),20} {run.AllocatedBytes / run.Entries,18:N0}"));
}
Console.WriteLine("entries/s: end to end against the fake hub (its own time included); client CPU: the listing process alone.");
Console.WriteLine("peak heap: managed heap above its size before the first request, garbage included (GC.GetTotalMemory(false) after each page);");
Console.WriteLine("peak live: the same after a full collection on each page, the page still held (another pass, untimed).");
Console.WriteLine($"Runtime {Environment.Version}, {Environment.ProcessorCount} cores, workstation GC.");

static Process Start(params string[] arguments)
{
    string host = Environment.ProcessPath ?? "dotnet";
    var start = new ProcessStartInfo(host) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
    if (Path.GetFileNameWithoutExtension(host) == "dotnet") start.ArgumentList.Add(Assembly.GetExecutingAssembly().Location);
    foreach (string argument in arguments) start.ArgumentList.Add(argument);
    return Process.Start(start) ?? throw new InvalidOperationException($"Could not start {host}.");
}

static async Task<T> ReadLineAsync<T>(Process process, Func<string, T?> parse) where T : class
{
    while (await process.StandardOutput.ReadLineAsync() is { } line)
    {
        if (parse(line) is { } value) return value;
    }
    throw new InvalidOperationException("A benchmark process exited without reporting.");
}
