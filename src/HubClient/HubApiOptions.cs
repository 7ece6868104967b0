namespace HubClient;

/// <summary>
/// Settings of a <see cref="HubApi"/>. <see cref="FromEnvironment"/> reads the same <c>HF_*</c> variables, with the same
/// defaults and precedence, as Python's huggingface_hub.
/// </summary>
public sealed class HubApiOptions
{
    /// <summary>The public Hugging Face Hub.</summary>
    public const string DefaultEndpoint = "https://huggingface.co";

    private string _endpoint = DefaultEndpoint;
    private string? _token;
    private string _cacheDirectory = HubEnvironment.DefaultCacheDirectory(Environment.GetEnvironmentVariable);
    private bool _offline;
    private bool _disableSymlinks;
    private bool _disableXet;
    private bool _disableSharedBlobs;
    private bool _trustSharedBlobs;
    private string? _userAgent;
    private TimeSpan _metadataTimeout = TimeSpan.FromSeconds(10);
    private TimeSpan _downloadTimeout = TimeSpan.FromSeconds(10);
    private HubRetryOptions _retry = new();
    private Polly.ResiliencePipeline<HttpResponseMessage>? _resiliencePipeline;
    private TransferOptions _transfer = new();
    private TimeSpan _lockTimeout = TimeSpan.FromMinutes(10);
    private Microsoft.Extensions.Logging.ILoggerFactory? _loggerFactory;
    private TimeProvider _timeProvider = TimeProvider.System;
    private bool _frozen;

    /// <summary>
    /// The hub's base URL (<c>HF_ENDPOINT</c>): an absolute <c>http</c> or <c>https</c> URL such as
    /// <c>https://hf-mirror.example.com</c>. Default <see cref="DefaultEndpoint"/>; a trailing '/' is ignored. Anything else
    /// makes <see cref="HubApi"/>'s constructor throw <see cref="ArgumentException"/>.
    /// </summary>
    public string Endpoint { get => _endpoint; set => Set(ref _endpoint, value); }

    /// <summary>
    /// The access token sent as <c>Authorization: Bearer</c> to the endpoint's host only — never to a CDN or any other host.
    /// </summary>
    public string? Token { get => _token; set => Set(ref _token, value); }

    /// <summary>
    /// The hub cache folder. Default: huggingface_hub's, even without <see cref="FromEnvironment"/> — <c>HF_HUB_CACHE</c>,
    /// else <c>$HF_HOME/hub</c>, else <c>$XDG_CACHE_HOME/huggingface/hub</c>, else <c>~/.cache/huggingface/hub</c> — so that
    /// a client and Python share one cache without configuration. This is the only variable a new instance reads.
    /// </summary>
    public string CacheDirectory { get => _cacheDirectory; set => Set(ref _cacheDirectory, value); }

    /// <summary>Never make a request; serve from the cache only (<c>HF_HUB_OFFLINE</c>).</summary>
    public bool Offline { get => _offline; set => Set(ref _offline, value); }

    /// <summary>Place file copies instead of symlinks in <c>snapshots/</c> (<c>HF_HUB_DISABLE_SYMLINKS</c>).</summary>
    public bool DisableSymlinks { get => _disableSymlinks; set => Set(ref _disableSymlinks, value); }

    /// <summary>
    /// Fetch Xet-backed files over the hub's plain-HTTP bridge instead of Xet storage (<c>HF_HUB_DISABLE_XET</c>). Default
    /// false: Xet storage first, the bridge when Xet storage cannot serve a file.
    /// </summary>
    public bool DisableXet { get => _disableXet; set => Set(ref _disableXet, value); }

    /// <summary>
    /// Keep every downloaded file in its repository's own <c>blobs/</c> folder instead of the cache-wide shared blob store
    /// (<c>HF_HUB_DISABLE_SHARED_BLOBS</c>). Default false: as huggingface_hub releases after 1.28 do, a Xet-backed file
    /// downloaded into the cache is kept once in <c>{cache}/blobs/{2 hex}/{xet hash}</c> and each repository's
    /// <c>blobs/{etag}</c> becomes a relative symlink to it, so the same file in another repository (or after the first
    /// repository was deleted) costs no transfer. The store is also off with <see cref="DisableXet"/> or
    /// <see cref="DisableSymlinks"/>, where symlinks cannot be created, and for downloads to a local folder.
    /// </summary>
    public bool DisableSharedBlobs { get => _disableSharedBlobs; set => Set(ref _disableSharedBlobs, value); }

    /// <summary>
    /// Link a repository blob to an existing shared-store entry of the right size without hashing it. Default false: the
    /// first time a process reuses an entry it did not write itself, it checks the entry's SHA-256 against the etag (a
    /// full read of the file), and an entry that fails is not used (the file is downloaded and replaces it).
    /// </summary>
    public bool TrustSharedBlobs { get => _trustSharedBlobs; set => Set(ref _trustSharedBlobs, value); }

    /// <summary>Extra text appended to the <c>User-Agent</c> (which always names HubClient and its version).</summary>
    public string? UserAgent { get => _userAgent; set => Set(ref _userAgent, value); }

    /// <summary>How long a metadata request (HEAD, API call) may take (<c>HF_HUB_ETAG_TIMEOUT</c>). Positive. Default 10 s.</summary>
    public TimeSpan MetadataTimeout { get => _metadataTimeout; set => Set(ref _metadataTimeout, value); }

    /// <summary>
    /// How long a download may wait for response headers or for the next bytes of the body (<c>HF_HUB_DOWNLOAD_TIMEOUT</c>).
    /// A stall longer than this is retried from the bytes already written. Positive. Default 10 s.
    /// </summary>
    public TimeSpan DownloadTimeout { get => _downloadTimeout; set => Set(ref _downloadTimeout, value); }

    /// <summary>Retries of transient failures (408, 429, 5xx, network errors): one budget per request.</summary>
    public HubRetryOptions Retry { get => _retry; set => Set(ref _retry, value); }

    /// <summary>
    /// Replaces the built-in retry pipeline (built from <see cref="Retry"/>) with your own Polly pipeline, applied to every
    /// request attempt. Leave null to use the default.
    /// </summary>
    public Polly.ResiliencePipeline<HttpResponseMessage>? ResiliencePipeline { get => _resiliencePipeline; set => Set(ref _resiliencePipeline, value); }

    /// <summary>Parallel range downloads of large files: threshold, connections, chunk and buffer sizes.</summary>
    public TransferOptions Transfer { get => _transfer; set => Set(ref _transfer, value); }

    /// <summary>How long to wait for another process's lock on a blob before downloading without it. Not negative. Default 10 minutes.</summary>
    public TimeSpan LockTimeout { get => _lockTimeout; set => Set(ref _lockTimeout, value); }

    /// <summary>Where HubClient logs requests, retries, resumes and cache hits. Default: no logging. <c>AddHubApi</c> sets it from DI.</summary>
    public Microsoft.Extensions.Logging.ILoggerFactory? LoggerFactory { get => _loggerFactory; set => Set(ref _loggerFactory, value); }

    /// <summary>
    /// The clock used for retry delays, <c>Retry-After</c> dates, Xet token expiry and the wait for a body's next bytes
    /// (<see cref="DownloadTimeout"/>); a test can stall a download and pass the timeout without waiting for it. Waits for
    /// response headers use the system's clock. Default <see cref="TimeProvider.System"/>.
    /// </summary>
    public TimeProvider TimeProvider { get => _timeProvider; set => Set(ref _timeProvider, value); }

    /// <summary>
    /// Reads <c>HF_ENDPOINT</c>, <c>HF_TOKEN</c> (then the file at <c>HF_TOKEN_PATH</c> or <c>$HF_HOME/token</c>),
    /// <c>HF_HOME</c>, <c>HF_HUB_CACHE</c>, <c>XDG_CACHE_HOME</c>, <c>HF_HUB_OFFLINE</c>, <c>HF_HUB_DISABLE_SYMLINKS</c>,
    /// <c>HF_HUB_ETAG_TIMEOUT</c>, <c>HF_HUB_DOWNLOAD_TIMEOUT</c>, <c>HF_HUB_DISABLE_XET</c>, <c>HF_HUB_DISABLE_SHARED_BLOBS</c> and <c>HF_HUB_DISABLE_IMPLICIT_TOKEN</c>, with huggingface_hub's rules (an empty
    /// value is unset; a timeout of 0 is the default). A timeout that is not a number of seconds is
    /// <see cref="ArgumentException"/> here; the other values are checked when a <see cref="HubApi"/> is built from them.
    /// </summary>
    public static HubApiOptions FromEnvironment() => HubEnvironment.Read(Environment.GetEnvironmentVariable);

    /// <summary>The endpoint as a URI with no trailing slash.</summary>
    /// <summary>Whether downloads into the cache use the shared blob store (see <see cref="DisableSharedBlobs"/>).</summary>
    internal bool UsesSharedBlobs => !DisableSharedBlobs && !DisableXet && !DisableSymlinks;

    internal Uri EndpointUri => new(Endpoint.TrimEnd('/'), UriKind.Absolute);

    /// <summary>
    /// Checks every setting (throwing <see cref="ArgumentException"/> that names the first one that cannot work) and returns
    /// a frozen copy: a client never sees its options change under it.
    /// </summary>
    internal HubApiOptions ValidateAndFreeze()
    {
        if (string.IsNullOrWhiteSpace(Endpoint)
            || !Uri.TryCreate(Endpoint.TrimEnd('/'), UriKind.Absolute, out Uri? endpoint)
            || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps)
            || string.IsNullOrEmpty(endpoint.Host))
        {
            throw new ArgumentException(
                $"HubApiOptions.Endpoint (HF_ENDPOINT) must be an absolute http or https URL such as {DefaultEndpoint}, got '{Endpoint}'.",
                nameof(Endpoint));
        }
        if (string.IsNullOrWhiteSpace(CacheDirectory)) throw new ArgumentException("HubApiOptions.CacheDirectory (HF_HUB_CACHE) must name a folder.", nameof(CacheDirectory));
        if (Token is { } token && token.AsSpan().IndexOfAnyExceptInRange('!', '~') >= 0)
        {
            // It goes in an Authorization header: a line break (a token file saved with CRLF) or a non-ASCII character would
            // fail every request, untyped, and look like an unreachable hub.
            throw new ArgumentException(
                "HubApiOptions.Token (HF_TOKEN) must be printable ASCII without spaces or line breaks, as hub tokens are; check how it was read.", nameof(Token));
        }
        OptionChecks.Positive(MetadataTimeout, "HubApiOptions." + nameof(MetadataTimeout));
        OptionChecks.Positive(DownloadTimeout, "HubApiOptions." + nameof(DownloadTimeout));
        OptionChecks.NotNegative(LockTimeout, "HubApiOptions." + nameof(LockTimeout));
        ArgumentNullException.ThrowIfNull(Retry, "HubApiOptions." + nameof(Retry));
        ArgumentNullException.ThrowIfNull(Transfer, "HubApiOptions." + nameof(Transfer));
        ArgumentNullException.ThrowIfNull(TimeProvider, "HubApiOptions." + nameof(TimeProvider));
        Retry.Validate("HubApiOptions.Retry.");
        Transfer.Validate("HubApiOptions.Transfer.");

        var copy = (HubApiOptions)MemberwiseClone();
        copy._endpoint = Endpoint.Trim().TrimEnd('/');
        copy._retry = Retry.Freeze();
        copy._transfer = Transfer.Freeze();
        copy._frozen = true;
        return copy;
    }

    private void Set<T>(ref T field, T value)
    {
        OptionChecks.ThrowIfFrozen(_frozen);
        field = value;
    }
}
