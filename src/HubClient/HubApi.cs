namespace HubClient;

/// <summary>
/// The entry point to a hub: file downloads into the shared huggingface_hub cache, metadata, listings. Thread-safe; create
/// one and reuse it. Every public method is virtual so it can be mocked: give the mock <c>new HubApiOptions()</c> (for
/// example <c>new Mock&lt;HubApi&gt;(new HubApiOptions())</c>), which makes no request and reads no <c>HF_*</c> setting but where the cache is.
/// </summary>
public partial class HubApi : IDisposable
{
    private readonly HubHttp _http;
    private readonly HttpClient? _ownedClient;
    private volatile bool _disposed;

    /// <summary>
    /// Creates a client configured from the <c>HF_*</c> environment variables (see <see cref="HubApiOptions.FromEnvironment"/>).
    /// It makes no request, but throws when a variable is invalid: mocks are safer with <see cref="HubApi(HubApiOptions)"/>.
    /// </summary>
    public HubApi() : this(HubApiOptions.FromEnvironment()) { }

    /// <summary>Creates a client with the given options (validated and copied: later changes to them do not reach the client) and its own HTTP connection pool.</summary>
    /// <param name="options">Endpoint (an absolute http(s) URL), token, cache folder, timeouts, retries.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">A setting cannot work (the message names it): <see cref="HubApiOptions.Endpoint"/> not an absolute http(s) URL, a negative or zero timeout, size or count.</exception>
    public HubApi(HubApiOptions options)
        : this(new HttpClient(HubHttp.CreateHandler()) { Timeout = Timeout.InfiniteTimeSpan }, options, ownsClient: true) { }

    /// <summary>
    /// Creates a client on a caller's <see cref="HttpClient"/> (for example from <c>IHttpClientFactory</c>). Its handler must
    /// not follow redirects nor decompress automatically (see <c>AddHubApi</c>, which configures that), or CDN redirects and
    /// sizes cannot be read as the protocol needs.
    /// </summary>
    public HubApi(HttpClient httpClient, HubApiOptions options) : this(httpClient, options, ownsClient: false) { }

    private HubApi(HttpClient httpClient, HubApiOptions options, bool ownsClient)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        Options = options.ValidateAndFreeze();
        _http = new HubHttp(httpClient, Options);
        if (ownsClient) _ownedClient = httpClient;
    }

    /// <summary>The settings this client was created with: a validated copy, frozen (its setters throw <see cref="InvalidOperationException"/>).</summary>
    public HubApiOptions Options { get; }

    /// <summary>Every call's way to its worker: after <see cref="Dispose()"/>, <see cref="ObjectDisposedException"/> naming this client.</summary>
    private T Live<T>(T worker)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return worker;
    }

    /// <summary>
    /// Releases the HTTP connection pool this client created (not one passed in). Later calls throw
    /// <see cref="ObjectDisposedException"/>, offline ones too, as do requests of pageables and streams handed out before.
    /// A client resolved from DI (<c>AddHubApi</c>) is disposed with its scope: resolve it where it is used.
    /// </summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases resources.</summary>
    protected virtual void Dispose(bool disposing)
    {
        _disposed = true;
        _http.MarkDisposed();
        if (disposing) _ownedClient?.Dispose();
    }
}
