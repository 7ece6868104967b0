namespace HubClient.Tests.Faults;

/// <summary>What a fault row sees: the hub, the cache, the clock, the file under test and, after the call, its error.</summary>
public sealed class FaultContext
{
    public required FakeHub Hub { get; init; }

    public required string CacheDirectory { get; init; }

    public required string RepoDir { get; init; }

    public required RecordingTimeProvider Clock { get; init; }

    public required FakeFile File { get; init; }

    public Exception? Error { get; set; }

    public Func<FakeHubRequest, bool> Download => RequestFilters.Download(File.Path);

    public Func<FakeHubRequest, bool> Metadata => RequestFilters.Metadata(File.Path);

    /// <summary>The GETs of the file's bytes, in order.</summary>
    public FakeHubRequest[] Gets => Hub.Requests.Where(Download).ToArray();

    /// <summary>Leaves a partial of the first <paramref name="bytes"/> bytes, as an interrupted run would.</summary>
    public void SeedPartial(int bytes)
    {
        string blobs = Path.Combine(RepoDir, "blobs");
        Directory.CreateDirectory(blobs);
        System.IO.File.WriteAllBytes(Path.Combine(blobs, File.Etag + ".incomplete"), File.Content[..bytes]);
    }
}
