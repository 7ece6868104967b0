using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace HubClient;

/// <summary>
/// Tracing and metrics: an <see cref="ActivitySource"/> and a <see cref="Meter"/> both named <c>HubClient</c>
/// (subscribe with OpenTelemetry's <c>AddSource("HubClient")</c> / <c>AddMeter("HubClient")</c>).
/// </summary>
public static class HubTelemetry
{
    /// <summary>The name of the activity source and the meter.</summary>
    public const string Name = "HubClient";

    internal static readonly ActivitySource ActivitySource = new(Name, typeof(HubTelemetry).Assembly.GetName().Version?.ToString());

    internal static readonly Meter Meter = new(Name, typeof(HubTelemetry).Assembly.GetName().Version?.ToString());

    internal static readonly Counter<long> BytesDownloaded =
        Meter.CreateCounter<long>("hubclient.download.bytes", "By", "Bytes received from the hub or its CDN.");

    internal static readonly Counter<long> BytesReused =
        Meter.CreateCounter<long>("hubclient.download.bytes_reused", "By", "File bytes copied from Xet chunks the cache already held instead of fetched.");

    internal static readonly Counter<long> CacheHits =
        Meter.CreateCounter<long>("hubclient.cache.hits", "{file}", "Files served from the cache without downloading.");

    internal static readonly Counter<long> FilesDownloaded =
        Meter.CreateCounter<long>("hubclient.download.files", "{file}", "Files downloaded and verified.");

    internal static readonly Counter<long> Retries =
        Meter.CreateCounter<long>("hubclient.http.retries", "{retry}", "Requests retried after a transient failure.");

    internal static readonly Counter<long> XetFallbacks =
        Meter.CreateCounter<long>("hubclient.xet.fallbacks", "{file}", "Xet-backed files fetched over the plain-HTTP bridge because Xet storage could not serve them.");

    internal static readonly Counter<long> Resumes =
        Meter.CreateCounter<long>("hubclient.download.resumes", "{resume}", "Downloads continued from a partial file.");
}
