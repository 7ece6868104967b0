using HubClient;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="HubApi"/> with <c>IHttpClientFactory</c>.</summary>
public static class HubApiServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="HubApi"/> as a typed client. Options start from the <c>HF_*</c> environment
    /// (<see cref="HubApiOptions.FromEnvironment"/>, the instance the options pattern creates), then every configuration
    /// runs in registration order — <c>services.Configure&lt;HubApiOptions&gt;</c> (e.g. bound from <c>IConfiguration</c>)
    /// and each call's <paramref name="configure"/> — so calling this twice adds to the first call's settings. The primary
    /// handler is set up as HubClient needs it (no automatic redirects, no automatic decompression). Returns the builder so
    /// handlers (logging, resilience) can be chained.
    /// </summary>
    public static IHttpClientBuilder AddHubApi(this IServiceCollection services, Action<HubApiOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        OptionsBuilder<HubApiOptions> options = services.AddOptions<HubApiOptions>();
        services.Replace(ServiceDescriptor.Transient<IOptionsFactory<HubApiOptions>, HubApiOptionsFactory>());
        if (configure is not null) options.Configure(configure);
        // Settings are checked when the host starts (ValidateOnStart), not at the first request for a HubApi.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HubApiOptions>, HubApiOptionsValidator>());
        options.ValidateOnStart();
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
}
