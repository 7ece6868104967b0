using System.Diagnostics;

namespace HubClient.Benchmarks.Listing;

/// <summary>
/// Lists the fake hub's tree in a process of its own, so that its working set is the client's alone: a warm-up pass, a
/// timed pass sampling the managed heap (garbage included) and the working set after every page, then a pass that
/// collects after every page to find the most memory the listing ever keeps alive.
/// </summary>
/// <remarks>
/// Memory is measured above the heap before the first request, so it includes the fixed costs of listing (JSON metadata,
/// connection, buffers) and one page, whatever was read before: System.Text.Json keeps its last result reachable until
/// its next deserialization, so a page read earlier can still be alive.
/// </remarks>
internal static class BenchClient
{
    public const string ListArgument = "--list";

    public static async Task RunAsync(string endpoint, int expectedEntries)
    {
        using var api = new HubApi(new HubApiOptions { Endpoint = endpoint, CacheDirectory = Path.GetTempPath() });
        long beforeFirstRequest = CollectedHeap();
        // Connections opened, code jitted to its optimized tier, the fake hub's tree cached.
        await WarmUpAsync(api);
        ListingRun timed = await TimedPassAsync(api, beforeFirstRequest);
        if (timed.Entries != expectedEntries) throw new InvalidOperationException($"Listed {timed.Entries} entries, expected {expectedEntries}.");
        long peakLive = await LivePassAsync(api, beforeFirstRequest);
        Console.WriteLine((timed with { PeakLiveBytes = peakLive }).ToLine());
    }

    private static async Task WarmUpAsync(HubApi api)
    {
        await foreach (HubPage<RepoTreeEntry> page in Pages(api)) GC.KeepAlive(page);
    }

    private static async Task<ListingRun> TimedPassAsync(HubApi api, long baseline)
    {
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        long peakHeap = 0, peakWorkingSet = 0;
        int entries = 0, pages = 0;
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await foreach (HubPage<RepoTreeEntry> page in Pages(api))
        {
            entries += page.Values.Count;
            pages++;
            peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(forceFullCollection: false) - baseline);
            peakWorkingSet = Math.Max(peakWorkingSet, Environment.WorkingSet);
        }
        clock.Stop();
        double clientCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        return new ListingRun(entries, pages, clock.Elapsed.TotalSeconds, clientCpu, peakHeap, PeakLiveBytes: 0, peakWorkingSet, allocated);
    }

    private static async Task<long> LivePassAsync(HubApi api, long baseline)
    {
        long peakLive = 0;
        await foreach (HubPage<RepoTreeEntry> page in Pages(api))
        {
            peakLive = Math.Max(peakLive, CollectedHeap() - baseline);
            GC.KeepAlive(page);
        }
        return peakLive;
    }

    private static IAsyncEnumerable<HubPage<RepoTreeEntry>> Pages(HubApi api) =>
        api.ListRepoTreeAsync(BenchServer.RepoId, recursive: true).AsPages();

    private static long CollectedHeap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
