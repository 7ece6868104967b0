namespace HubClient.Tests.Faults;

/// <summary>
/// A way of downloading one file that the fault suite runs every fault through: how the client is configured for it, and
/// the call that fetches the file and returns its path in the cache. Every fault row runs on every entry of
/// <see cref="All"/> (unless the row says it applies to some paths only; see <see cref="FaultCase.Paths"/>).
/// </summary>
/// <param name="Name">The path's name in test output.</param>
/// <param name="Configure">Applied to the client's options after the suite's own (token, timeout, clock).</param>
/// <param name="Download">Downloads (repo id, file path) and returns the file's path in the cache.</param>
/// <param name="MakesHead">
/// Whether the path asks for the file's metadata with a HEAD on its resolve URL. The snapshot download does not: it resolves
/// the revision and lists the tree through the JSON API, then GETs the resolve URL (which redirects LFS files to the CDN).
/// </param>
/// <param name="SplitsLargeFiles">Whether files larger than <see cref="Chunk"/> come as parallel ranges on this path.</param>
/// <param name="IsLocalDirectory">Whether the file lands in a local folder (its partials there) rather than in the cache.</param>
/// <param name="IsXet">
/// Whether the rows' LFS file is Xet-backed on this path, so that its bytes come through the Xet CAS (token,
/// reconstruction, xorb ranges) and the plain-HTTP bridge (the CDN) only as a fallback. Rows run on these paths only when
/// they say so (<see cref="FaultCase.OnXet"/>, or <see cref="FaultCase.Paths"/>).
/// </param>
public sealed record DownloadPath(
    string Name, Action<HubApiOptions> Configure, Func<HubApi, string, string, Task<string>> Download, bool MakesHead = true, bool SplitsLargeFiles = false,
    bool IsLocalDirectory = false, bool IsXet = false)
{
    /// <summary>The chunk size of <see cref="ParallelRanges"/>: the fault rows' LFS file is five chunks (four full, one short).</summary>
    public const int Chunk = 128 * 1024;

    /// <summary>The connections of <see cref="ParallelRanges"/>.</summary>
    public const int Connections = 3;

    /// <summary><see cref="HubApi.DownloadFileAsync"/> with the default transfer settings: one HTTP stream.</summary>
    public static readonly DownloadPath SingleStream = new("single-stream", _ => { }, (api, repo, path) => api.DownloadFileAsync(repo, path));

    /// <summary>
    /// <see cref="HubApi.DownloadFileAsync"/> with a threshold low enough that the LFS file of the rows goes as
    /// <see cref="Chunk"/>-byte ranges over <see cref="Connections"/> connections. The git file of the rows stays below it
    /// (one stream), as small files do.
    /// </summary>
    public static readonly DownloadPath ParallelRanges = new(
        "parallel-ranges",
        o => o.Transfer = new TransferOptions { ParallelThreshold = Chunk, ChunkSize = Chunk, MaxConnections = Connections, BufferSize = 16 * 1024 },
        (api, repo, path) => api.DownloadFileAsync(repo, path),
        SplitsLargeFiles: true);

    /// <summary><see cref="HubApi.DownloadSnapshotAsync"/> selecting just the file; returns the file's path inside the snapshot.</summary>
    public static readonly DownloadPath Snapshot = new(
        "snapshot",
        _ => { },
        async (api, repo, path) =>
        {
            string folder = await api.DownloadSnapshotAsync(repo, new SnapshotDownloadOptions { AllowPatterns = [path] });
            return Path.Combine([folder, .. path.Split('/')]);
        },
        MakesHead: false);

    /// <summary>
    /// <see cref="Snapshot"/> with the transfer settings of <see cref="ParallelRanges"/>: the ranges start at the resolve URL
    /// (no HEAD told the client the CDN's address), whose redirect every connection then follows.
    /// </summary>
    public static readonly DownloadPath SnapshotRanges = new(
        "snapshot-ranges",
        ParallelRanges.Configure,
        Snapshot.Download,
        MakesHead: false,
        SplitsLargeFiles: true);

    /// <summary>
    /// <see cref="SingleStream"/> in copy mode (<see cref="HubApiOptions.DisableSymlinks"/>): the snapshot entry is a
    /// regular file, so the suite compares its bytes with the hub's, not a link target's name.
    /// </summary>
    public static readonly DownloadPath CopyMode = new("copy-mode", o => o.DisableSymlinks = true, SingleStream.Download);

    /// <summary>
    /// <see cref="HubApi.DownloadFileAsync"/> into a folder of the caller's (<see cref="LocalDirectoryFor"/>), with its
    /// partials under <c>.cache/huggingface/download</c>: one HTTP stream, as on <see cref="SingleStream"/>.
    /// </summary>
    public static readonly DownloadPath LocalDirectory = new(
        "local-directory",
        _ => { },
        (api, repo, path) => api.DownloadFileAsync(repo, path, new DownloadFileOptions { LocalDirectory = LocalDirectoryFor(api.Options.CacheDirectory) }),
        IsLocalDirectory: true);

    /// <summary><see cref="LocalDirectory"/> with the transfer settings of <see cref="ParallelRanges"/>: the LFS file goes as ranges into the folder's chunked partial.</summary>
    public static readonly DownloadPath LocalDirectoryRanges = LocalDirectory with
    {
        Name = "local-directory-ranges",
        Configure = ParallelRanges.Configure,
        SplitsLargeFiles = true,
    };

    /// <summary><see cref="HubApi.DownloadFileAsync"/> of a Xet-backed file: the HEAD names its Xet hash, the bytes come from xorbs.</summary>
    public static readonly DownloadPath Xet = SingleStream with { Name = "xet", IsXet = true };

    /// <summary><see cref="Snapshot"/> of a Xet-backed file: the tree listing names its Xet hash (no HEAD, no resolve GET).</summary>
    public static readonly DownloadPath XetSnapshot = Snapshot with { Name = "xet-snapshot", IsXet = true };

    /// <summary><see cref="LocalDirectory"/> of a Xet-backed file: the Xet partial and its term ledger live in the folder's <c>.cache</c>.</summary>
    public static readonly DownloadPath XetLocalDirectory = LocalDirectory with { Name = "xet-local-directory", IsXet = true };

    public static IReadOnlyList<DownloadPath> All { get; } =
        [SingleStream, ParallelRanges, Snapshot, SnapshotRanges, CopyMode, LocalDirectory, LocalDirectoryRanges, Xet, XetSnapshot, XetLocalDirectory];

    /// <summary>The paths whose LFS file comes over the plain-HTTP bridge (the CDN): every path but the Xet ones.</summary>
    public static IReadOnlyList<DownloadPath> Bridge { get; } = [.. All.Where(p => !p.IsXet)];

    /// <summary>The paths whose LFS file is Xet-backed.</summary>
    public static IReadOnlyList<DownloadPath> XetPaths { get; } = [.. All.Where(p => p.IsXet)];

    /// <summary>The folder the <see cref="LocalDirectory"/> path downloads into: beside the test's cache folder.</summary>
    public static string LocalDirectoryFor(string cacheDirectory) => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(cacheDirectory))!, "local");

    public override string ToString() => Name;
}
