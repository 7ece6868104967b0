using HubClient.Testing;

namespace HubClient.Samples;

/// <summary>
/// Where a sample talks to: the embedded demo hub (default, no network) or a real hub given by --endpoint or HF_ENDPOINT.
/// </summary>
internal sealed class SampleHub : IAsyncDisposable
{
    private readonly FakeHub? _embedded;

    private SampleHub(FakeHub? embedded, string endpoint, string repoId)
    {
        _embedded = embedded;
        Endpoint = endpoint;
        RepoId = repoId;
    }

    public string Endpoint { get; }

    public string RepoId { get; }

    public bool IsEmbedded => _embedded is not null;

    /// <summary>The embedded hub, to declare more repositories; null against a real hub.</summary>
    public FakeHub? Embedded => _embedded;

    public static SampleHub Start(string[] args)
    {
        string? endpoint = Option(args, "--endpoint") ?? Environment.GetEnvironmentVariable("HF_ENDPOINT");
        if (endpoint is not null) return new SampleHub(null, endpoint, Option(args, "--repo") ?? "openai-community/gpt2");
        FakeHub hub = FakeHub.Start();
        hub.AddTinyModel();
        return new SampleHub(hub, hub.Endpoint, Option(args, "--repo") ?? DemoRepos.TinyModel);
    }

    /// <summary>Options for this hub with a fresh temporary cache (the samples never touch your real cache).</summary>
    public HubApiOptions CreateOptions(string cacheDirectory)
    {
        HubApiOptions options = HubApiOptions.FromEnvironment();
        options.Endpoint = Endpoint;
        options.CacheDirectory = cacheDirectory;
        return options;
    }

    public static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_embedded is not null) await _embedded.DisposeAsync().ConfigureAwait(false);
    }
}
