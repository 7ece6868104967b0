using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

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

    [Fact]
    public async Task An_HttpClient_that_follows_redirects_itself_is_named_as_the_cause()
    {
        await using var hub = FakeHub.Start();
        hub.AddRepo("acme/di").Commit(c => c.AddLfs("w.bin", Bytes.Random(1000)));
        using var temp = new TempDirectory();
        using var client = new HttpClient(); // Its handler follows the hub's 302 to the CDN, hiding X-Repo-Commit and X-Linked-Etag.
        using var api = new HubApi(client, hub.CreateOptions(temp.Path));

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => api.DownloadFileAsync("acme/di", "w.bin"));

        Assert.Contains("AllowAutoRedirect = false", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(temp.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_handler_that_signs_the_query_without_redirecting_is_no_redirect()
    {
        await using var hub = FakeHub.Start();
        byte[] weights = Bytes.Random(1000);
        hub.AddRepo("acme/di").Commit(c => c.AddLfs("w.bin", weights));
        using var temp = new TempDirectory();
        var services = new ServiceCollection();
        services.AddHubApi(o =>
        {
            o.Endpoint = hub.Endpoint;
            o.CacheDirectory = temp.Path;
        }).AddHttpMessageHandler(() => new QuerySigningHandler());
        await using ServiceProvider provider = services.BuildServiceProvider();

        string path = await provider.GetRequiredService<HubApi>().DownloadFileAsync("acme/di", "w.bin");

        Assert.Equal(weights, await File.ReadAllBytesAsync(path));
        Assert.All(hub.Requests, r => Assert.Contains("sig=abc", r.Query, StringComparison.Ordinal));
    }

    /// <summary>Rewrites the URI it sends (as a signing proxy or a mirror would) without following any redirect.</summary>
    private sealed class QuerySigningHandler : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var uri = new UriBuilder(request.RequestUri!);
            uri.Query = string.IsNullOrEmpty(uri.Query) ? "sig=abc" : uri.Query.TrimStart('?') + "&sig=abc";
            request.RequestUri = uri.Uri;
            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>
    /// A host validates the options when it starts (ValidateOnStart, run by Host.StartAsync through IStartupValidator): a
    /// service with an endpoint without a scheme does not start, rather than failing at its first HubApi.
    /// </summary>
    [Fact]
    public async Task AddHubApi_validates_its_options_when_the_host_starts()
    {
        var services = new ServiceCollection();
        services.AddHubApi(o =>
        {
            o.Endpoint = "hf-mirror.example.com"; // no scheme
            o.Transfer.MaxConnections = 0;
        });
        await using ServiceProvider provider = services.BuildServiceProvider();

        IStartupValidator validator = provider.GetRequiredService<IStartupValidator>();
        var e = Assert.Throws<OptionsValidationException>(validator.Validate);
        Assert.Contains("Endpoint", e.Message, StringComparison.Ordinal);
    }
}

public sealed class ResiliencePipelineOptionTests
{
    [Fact]
    public async Task A_custom_pipeline_replaces_the_default_retries()
    {
        await using var f = new HubFixture();
        f.Hub.AddRepo("acme/r").Commit(c => c.Add("a.txt", "a"));
        f.Hub.InjectFault(FakeFault.Status(503), RequestFilters.Metadata("a.txt"), times: 1);
        using HubApi noRetries = f.NewClient(o => o.ResiliencePipeline = Polly.ResiliencePipeline<HttpResponseMessage>.Empty);

        var e = await Assert.ThrowsAsync<HubException>(() => noRetries.GetFileMetadataAsync("acme/r", "a.txt"));

        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, e.StatusCode);
        Assert.Single(f.Hub.Requests);
    }
}
