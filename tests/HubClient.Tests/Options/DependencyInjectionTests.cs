using Microsoft.Extensions.DependencyInjection;

namespace HubClient.Tests.Options;

public sealed class DependencyInjectionTests
{
    [Fact]
    public async Task AddHubApi_registers_a_typed_client_with_options_and_chainable_handlers()
    {
        await using var hub = FakeHub.Start();
        hub.AddRepo("acme/di").Commit(c => c.AddLfs("w.bin", Bytes.Random(1000)));
        using var temp = new TempDirectory();
        var seen = new List<string>();
        var services = new ServiceCollection();

        IHttpClientBuilder builder = services.AddHubApi(o =>
        {
            o.Endpoint = hub.Endpoint;
            o.CacheDirectory = temp.Path;
        });
        builder.AddHttpMessageHandler(() => new RecordingHandler(seen));

        await using ServiceProvider provider = services.BuildServiceProvider();
        HubApi api = provider.GetRequiredService<HubApi>();
        string path = await api.DownloadFileAsync("acme/di", "w.bin");

        Assert.StartsWith(temp.Path, path, StringComparison.Ordinal);
        Assert.Equal(hub.Endpoint, api.Options.Endpoint);
        // The chained handler saw the HEAD, and the CDN redirect was not followed automatically.
        Assert.Equal(["HEAD", "GET"], seen);
    }

    private sealed class RecordingHandler(List<string> seen) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (seen) seen.Add(request.Method.Method);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
