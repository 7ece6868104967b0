namespace HubClient;

/// <summary>
/// Settings of a <see cref="HubApi"/>. <see cref="FromEnvironment"/> reads the same <c>HF_*</c> variables, with the same
/// defaults and precedence, as Python's huggingface_hub.
/// </summary>
public sealed class HubApiOptions
{
    /// <summary>The public Hugging Face Hub.</summary>
    public const string DefaultEndpoint = "https://huggingface.co";

    /// <summary>The hub's base URL (<c>HF_ENDPOINT</c>). Default <see cref="DefaultEndpoint"/>; a trailing '/' is ignored.</summary>
    public string Endpoint { get; set; } = DefaultEndpoint;

    /// <summary>
    /// The access token sent as <c>Authorization: Bearer</c> to the endpoint's host only — never to a CDN or any other host.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>The hub cache folder (<c>HF_HUB_CACHE</c>). Default <c>~/.cache/huggingface/hub</c>.</summary>
    public string CacheDirectory { get; set; } = HubEnvironment.DefaultCacheDirectory(Environment.GetEnvironmentVariable);

    /// <summary>Never make a request; serve from the cache only (<c>HF_HUB_OFFLINE</c>).</summary>
    public bool Offline { get; set; }

    /// <summary>Place file copies instead of symlinks in <c>snapshots/</c> (<c>HF_HUB_DISABLE_SYMLINKS</c>).</summary>
    public bool DisableSymlinks { get; set; }

    /// <summary>Extra text appended to the <c>User-Agent</c> (which always names HubClient and its version).</summary>
    public string? UserAgent { get; set; }

    /// <summary>How long a metadata request (HEAD, API call) may take (<c>HF_HUB_ETAG_TIMEOUT</c>). Default 10 s.</summary>
    public TimeSpan MetadataTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a download may wait for response headers or for the next bytes of the body (<c>HF_HUB_DOWNLOAD_TIMEOUT</c>).
    /// A stall longer than this is retried from the bytes already written. Default 10 s.
    /// </summary>
    public TimeSpan DownloadTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries of transient failures (408, 429, 5xx, network errors).</summary>
    public HubRetryOptions Retry { get; set; } = new();

    /// <summary>
    /// Replaces the built-in retry pipeline (built from <see cref="Retry"/>) with your own Polly pipeline, applied to every
    /// request attempt. Leave null to use the default.
    /// </summary>
    public Polly.ResiliencePipeline<HttpResponseMessage>? ResiliencePipeline { get; set; }

    /// <summary>Parallel range downloads of large files: threshold, connections, chunk and buffer sizes.</summary>
    public TransferOptions Transfer { get; set; } = new();

    /// <summary>How long to wait for another process's lock on a blob before downloading without it. Default 10 minutes.</summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Where HubClient logs requests, retries, resumes and cache hits. Default: no logging. <c>AddHubApi</c> sets it from DI.</summary>
    public Microsoft.Extensions.Logging.ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>The clock used for retry delays and <c>Retry-After</c> dates. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Reads <c>HF_ENDPOINT</c>, <c>HF_TOKEN</c> (then the file at <c>HF_TOKEN_PATH</c> or <c>$HF_HOME/token</c>),
    /// <c>HF_HOME</c>, <c>HF_HUB_CACHE</c>, <c>XDG_CACHE_HOME</c>, <c>HF_HUB_OFFLINE</c>, <c>HF_HUB_DISABLE_SYMLINKS</c>,
    /// <c>HF_HUB_ETAG_TIMEOUT</c>, <c>HF_HUB_DOWNLOAD_TIMEOUT</c> and <c>HF_HUB_DISABLE_IMPLICIT_TOKEN</c>.
    /// </summary>
    public static HubApiOptions FromEnvironment() => HubEnvironment.Read(Environment.GetEnvironmentVariable);

    /// <summary>The endpoint as a URI with no trailing slash.</summary>
    internal Uri EndpointUri => new(Endpoint.TrimEnd('/'), UriKind.Absolute);
}
