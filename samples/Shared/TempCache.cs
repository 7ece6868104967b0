namespace HubClient.Samples;

/// <summary>A temporary cache folder, deleted at the end of the sample.</summary>
internal sealed class TempCache : IDisposable
{
    public TempCache() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "hubclient-sample-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
