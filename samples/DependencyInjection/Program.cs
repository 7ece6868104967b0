// HubApi in a generic host: options from appsettings.json, a typed HttpClient from IHttpClientFactory with a resilience
// handler chained on the builder, and ILogger output.
//   dotnet run --project samples/DependencyInjection                 (embedded demo hub)
//   dotnet run --project samples/DependencyInjection -- --endpoint https://huggingface.co --repo openai-community/gpt2
using HubClient;
using HubClient.Samples;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;

await using SampleHub hub = SampleHub.Start(args);
using var cache = new TempCache();

HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
IConfigurationSection section = builder.Configuration.GetSection("Hub");
builder.Services
    .AddHubApi(options =>
    {
        options.UserAgent = section["UserAgent"];
        if (TimeSpan.TryParse(section["MetadataTimeout"], out TimeSpan metadata)) options.MetadataTimeout = metadata;
        if (TimeSpan.TryParse(section["DownloadTimeout"], out TimeSpan download)) options.DownloadTimeout = download;
        options.Endpoint = hub.Endpoint;
        options.CacheDirectory = cache.Path;
    })
    // HubClient already retries 408/429/5xx itself; chain a circuit breaker so a failing hub is left alone for a while.
    .AddResilienceHandler("hub-circuit-breaker", pipeline => pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
    {
        FailureRatio = 0.5,
        MinimumThroughput = 10,
        BreakDuration = TimeSpan.FromSeconds(15),
    }));

using IHost host = builder.Build();
ILogger logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Sample");
HubApi api = host.Services.GetRequiredService<HubApi>();

HubFileMetadata metadata = await api.GetFileMetadataAsync(hub.RepoId, "config.json");
Log.Metadata(logger, hub.RepoId, metadata.Size, metadata.CommitHash);

string path = await api.DownloadFileAsync(hub.RepoId, "config.json");
Log.Downloaded(logger, path);
Console.WriteLine(await File.ReadAllTextAsync(path));

internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Information, Message = "config.json of {Repo} is {Size} bytes at commit {Commit}")]
    public static partial void Metadata(ILogger logger, string repo, long size, string commit);

    [LoggerMessage(Level = LogLevel.Information, Message = "Downloaded to {Path}")]
    public static partial void Downloaded(ILogger logger, string path);
}
