using System.Text;
using HubClient.Testing;

namespace HubClient.Benchmarks.Listing;

/// <summary>
/// The fake hub, run in a child process so that the listing client's memory is measured alone: serves one repository
/// whose recursive tree has exactly the asked number of entries (folders of about 1,000 files, one file in ten in LFS).
/// </summary>
internal static class BenchServer
{
    public const string RepoId = "bench/big-tree";
    public const string ServeArgument = "--serve";
    public const string ReadyPrefix = "READY ";

    public static async Task RunAsync(int entries)
    {
        await using FakeHub hub = FakeHub.Start();
        hub.TreePageSize = 1000;
        int folders = Math.Max(1, entries / 1000);
        int files = entries - folders;
        hub.AddRepo(RepoId).Commit(c =>
        {
            for (int i = 0; i < files; i++)
            {
                string path = $"shard-{i % folders:D3}/part-{i:D6}.parquet";
                byte[] content = Encoding.ASCII.GetBytes($"row group {i}");
                if (i / folders % 10 == 0) c.AddLfs(path, content);
                else c.Add(path, content);
            }
        });
        await Console.Out.WriteLineAsync(ReadyPrefix + hub.Endpoint);
        await Console.Out.FlushAsync();
        // Serve until the parent closes our standard input.
        await Console.In.ReadToEndAsync();
    }
}
