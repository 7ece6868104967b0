using HubClient;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="HubApi"/> with <c>IHttpClientFactory</c>.</summary>
public static class HubApiServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="HubApi"/> as a typed client. Options start from the <c>HF_*</c> environment
    /// (<see cref="HubApiOptions.FromEnvironment"/>) and then <paramref name="configure"/> runs. The primary handler is set
    /// up as HubClient needs it (no automatic redirects, no automatic decompression). Returns the builder so handlers
    /// (logging, resilience) can be chained.
    /// </summary>
    public static IHttpClientBuilder AddHubApi(this IServiceCollection services, Action<HubApiOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<HubApiOptions>().Configure(options =>
        {
            Copy(HubApiOptions.FromEnvironment(), options);
            configure?.Invoke(options);
        });
        return services
            .AddHttpClient<HubApi>(client => client.Timeout = Timeout.InfiniteTimeSpan)
            .AddTypedClient((client, provider) =>
            {
                HubApiOptions options = provider.GetRequiredService<IOptions<HubApiOptions>>().Value;
                options.LoggerFactory ??= provider.GetService<ILoggerFactory>();
                return new HubApi(client, options);
            })
            .ConfigurePrimaryHttpMessageHandler(HubHttp.CreateHandler);
    }

    private static void Copy(HubApiOptions from, HubApiOptions to)
    {
        to.Endpoint = from.Endpoint;
        to.Token = from.Token;
        to.CacheDirectory = from.CacheDirectory;
        to.Offline = from.Offline;
        to.DisableSymlinks = from.DisableSymlinks;
        to.DisableSharedBlobs = from.DisableSharedBlobs;
        to.TrustSharedBlobs = from.TrustSharedBlobs;
        to.UserAgent = from.UserAgent;
        to.MetadataTimeout = from.MetadataTimeout;
        to.DownloadTimeout = from.DownloadTimeout;
    }
}
