namespace HubClient.Tests.Faults;

/// <summary>What a fault row sees: the path under test, the hub, the cache, the clock, the file under test and, after the call, its error.</summary>
public sealed class FaultContext
{
    public required DownloadPath Path { get; init; }

    public required FakeHub Hub { get; init; }

    public required string CacheDirectory { get; init; }

    public required string RepoDir { get; init; }

    public required RecordingTimeProvider Clock { get; init; }

    public required FakeFile File { get; init; }

    public Exception? Error { get; set; }

    /// <summary>How long the row's download took (a stall waited out rather than abandoned shows here).</summary>
    public TimeSpan Elapsed { get; set; }

    /// <summary>What the HubClient meter recorded during the row's download (<c>hubclient.xet.fallbacks</c>…).</summary>
    public required Diagnostics.MetricCapture Metrics { get; init; }

    /// <summary>The faults the row injected; the suite asserts each fired at least once.</summary>
    public List<FaultRule> Rules { get; } = [];

    /// <summary>Injects a fault into the hub (see <see cref="FakeHub.InjectFault"/>) and keeps its rule for the suite's check.</summary>
    public FaultRule Inject(FakeFault fault, Func<FakeHubRequest, bool>? when = null, int? times = 1)
    {
        FaultRule rule = Hub.InjectFault(fault, when, times);
        Rules.Add(rule);
        return rule;
    }

    /// <summary>Whether the file's bytes come as parallel ranges on this path (the LFS file on a path that splits large files).</summary>
    public bool Ranged => Path.SplitsLargeFiles && File.Size > DownloadPath.Chunk;

    /// <summary>
    /// The GETs that carry the file's bytes: the xorb GETs of a Xet-backed file on a Xet path; otherwise <see cref="Bridge"/>.
    /// </summary>
    public Func<FakeHubRequest, bool> Download => Xet ? Xorb : Bridge;

    /// <summary>
    /// The GETs of the file's bytes over plain HTTP: the CDN's for an LFS file (on a Xet path, the bridge used only as a
    /// fallback), the resolve URL's (and wherever it redirects) for a git file. The snapshot path's GET of an LFS file's
    /// resolve URL, only a hop to the CDN, is <see cref="ResolveHop"/>.
    /// </summary>
    public Func<FakeHubRequest, bool> Bridge
    {
        get
        {
            Func<FakeHubRequest, bool> any = RequestFilters.Download(File.Path);
            return File.IsLfs ? r => any(r) && r.IsCdn : any;
        }
    }

    /// <summary>Whether the file under test comes through the Xet CAS on this path.</summary>
    public bool Xet => Path.IsXet && File.IsXet;

    /// <summary>GETs of signed xorb URLs (the Xet file's bytes).</summary>
    public static Func<FakeHubRequest, bool> Xorb { get; } = r => r.IsXorb;

    /// <summary>Reconstruction requests to the Xet CAS (v1 or v2).</summary>
    public static Func<FakeHubRequest, bool> Cas { get; } = r => r.IsCas;

    /// <summary>Read-token requests to the hub.</summary>
    public static Func<FakeHubRequest, bool> XetToken { get; } = r => r.IsXetToken;

    /// <summary>The snapshot path's GET of an LFS file's resolve URL, answered by a redirect to the CDN.</summary>
    public Func<FakeHubRequest, bool> ResolveHop
    {
        get
        {
            Func<FakeHubRequest, bool> any = RequestFilters.Download(File.Path);
            return r => File.IsLfs && any(r) && !r.IsCdn;
        }
    }

    /// <summary>
    /// The request whose answer names where the bytes are: the HEAD on the resolve URL (its <c>Location</c>), or on the
    /// snapshot path, which makes no HEAD, the GET of an LFS file's resolve URL (<see cref="ResolveHop"/>).
    /// </summary>
    public Func<FakeHubRequest, bool> Locator => Path.MakesHead ? RequestFilters.Metadata(File.Path) : ResolveHop;

    /// <summary>
    /// The requests that tell the client about the file before any byte moves: the HEAD on its resolve URL, or, on the
    /// snapshot path (which makes no HEAD), the JSON API's repo info (<c>/revision/</c>) and tree listing (<c>/tree/</c>).
    /// </summary>
    public Func<FakeHubRequest, bool> Metadata => Path.MakesHead ? RequestFilters.Metadata(File.Path) : SnapshotApi;

    /// <summary>The GETs of the file's bytes, in order.</summary>
    public FakeHubRequest[] Gets => Hub.Requests.Where(Download).ToArray();

    /// <summary>Leaves a partial of the first <paramref name="bytes"/> bytes, as an interrupted single-stream run would.</summary>
    public void SeedPartial(int bytes)
    {
        string partial = Path.IsLocalDirectory
            ? LocalDirectoryNames.IncompletePath(DownloadPath.LocalDirectoryFor(CacheDirectory), File.Path, File.Etag)
            : System.IO.Path.Combine(RepoDir, "blobs", File.Etag + ".incomplete");
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(partial)!);
        System.IO.File.WriteAllBytes(partial, File.Content[..bytes]);
    }

    /// <summary>The local folder's download bookkeeping (partials, metadata) on the local-directory path; null on the others.</summary>
    public string? LocalDownloadFolder => Path.IsLocalDirectory ? LocalDirectoryNames.DownloadFolder(DownloadPath.LocalDirectoryFor(CacheDirectory)) : null;

    private static bool SnapshotApi(FakeHubRequest r) =>
        r.Method == "GET" && RequestFilters.Api(r) && (r.Path.Contains("/revision/", StringComparison.Ordinal) || r.Path.Contains("/tree/", StringComparison.Ordinal));
}
