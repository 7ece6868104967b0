namespace HubClient.Tests.Faults;

/// <summary>
/// A way of downloading one file that the fault suite runs every fault through. Today: the single-stream download. The
/// parallel-range and snapshot downloads become more entries here, and every fault row then runs on them too.
/// </summary>
public sealed record DownloadPath(string Name, Func<HubApi, string, string, Task<string>> Download)
{
    public static readonly DownloadPath SingleStream = new("single-stream", (api, repo, path) => api.DownloadFileAsync(repo, path));

    public static IReadOnlyList<DownloadPath> All { get; } = [SingleStream];

    public override string ToString() => Name;
}
