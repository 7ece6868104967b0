using System.Globalization;

namespace HubClient.Benchmarks.Listing;

/// <summary>The figures of one listing of the whole tree, as the client process reports them to the orchestrator.</summary>
internal sealed record ListingRun(
    int Entries, int Pages, double Seconds, double ClientCpuSeconds, long PeakHeapBytes, long PeakLiveBytes, long PeakWorkingSetBytes, long AllocatedBytes)
{
    private const string Prefix = "RESULT ";

    public double EntriesPerSecond => Entries / Seconds;

    public string ToLine() => Prefix + string.Join(' ', new object[] { Entries, Pages, Seconds, ClientCpuSeconds, PeakHeapBytes, PeakLiveBytes, PeakWorkingSetBytes, AllocatedBytes }
        .Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)));

    public static ListingRun? TryParse(string line)
    {
        if (!line.StartsWith(Prefix, StringComparison.Ordinal)) return null;
        string[] v = line[Prefix.Length..].Split(' ');
        long L(int i) => long.Parse(v[i], CultureInfo.InvariantCulture);
        double D(int i) => double.Parse(v[i], CultureInfo.InvariantCulture);
        return new ListingRun((int)L(0), (int)L(1), D(2), D(3), L(4), L(5), L(6), L(7));
    }

    public static string Megabytes(long bytes) => (bytes / 1024.0 / 1024.0).ToString("0.0", CultureInfo.InvariantCulture);
}
