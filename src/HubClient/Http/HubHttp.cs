using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using System.Reflection;
using Polly;

namespace HubClient;

/// <summary>
/// Sends hub requests: builds URLs, adds the token only for the endpoint's own host, applies per-attempt timeouts and the
/// retry pipeline, and maps failed answers to typed exceptions.
/// </summary>
internal sealed class HubHttp
{
    private static readonly string LibraryVersion =
        typeof(HubHttp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    private readonly HttpClient _client;
    private readonly HubApiOptions _options;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly string _userAgent;
    private readonly string _endpointText;

    public HubHttp(HttpClient client, HubApiOptions options)
    {
        _client = client;
        _options = options;
        Endpoint = options.EndpointUri;
        _endpointText = options.Endpoint.TrimEnd('/');
        Logger = options.LoggerFactory?.CreateLogger("HubClient") ?? NullLogger.Instance;
        _pipeline = options.ResiliencePipeline ?? HubResiliencePipeline.Create(options.Retry, options.TimeProvider, Logger);
        _userAgent = $"hubclient/{LibraryVersion}; dotnet/{Environment.Version}" + (options.UserAgent is { Length: > 0 } extra ? "; " + extra : "");
    }

    public Uri Endpoint { get; }

    /// <summary>A request option: send this bearer token (and not the hub token), whatever the host.</summary>
    public static HttpRequestOptionsKey<string> BearerToken { get; } = new("HubClient.BearerToken");

    /// <summary>
    /// A request option: send no token at all, whatever the host — a signed URL carries its own authority, and one that a
    /// server chose may point anywhere, the hub included.
    /// </summary>
    public static HttpRequestOptionsKey<bool> Anonymous { get; } = new("HubClient.Anonymous");

    public HubApiOptions Options => _options;

    /// <summary>The logger of this client (never null).</summary>
    public ILogger Logger { get; }

    /// <summary>Creates the handler HubClient needs: no automatic redirects (they are followed by hand) and no automatic decompression.</summary>
    public static SocketsHttpHandler CreateHandler() => new()
    {
        AllowAutoRedirect = false,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        MaxConnectionsPerServer = 64,
    };

    /// <summary><c>{endpoint}/{prefix}{repo}/resolve/{revision}/{path}</c>: revision escaped whole, path per segment.</summary>
    public Uri ResolveUri(RepoType repoType, string repoId, string revision, string path) =>
        new(_endpointText + "/" + repoType.UrlPrefix() + repoId + "/resolve/" + Uri.EscapeDataString(revision) + "/" + EscapePath(path));

    /// <summary>An API URL below the endpoint; <paramref name="relative"/> must already be escaped.</summary>
    public Uri ApiUri(string relative) => new(_endpointText + "/" + relative.TrimStart('/'));

    public static string EscapePath(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));

    /// <summary>Whether the token may go to <paramref name="uri"/>: only the endpoint's scheme, host and port qualify.</summary>
    public bool IsEndpointHost(Uri uri) =>
        Uri.Compare(uri, Endpoint, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    private volatile bool _disposed;

    /// <summary>
    /// The client that owns this was disposed: every later request, including those of pageables and streams it handed out
    /// before, throws <see cref="ObjectDisposedException"/> naming <see cref="HubApi"/>.
    /// </summary>
    public void MarkDisposed() => _disposed = true;

    /// <summary>
    /// Sends a request built fresh for each attempt, through the retry pipeline, with a per-attempt timeout for the
    /// response headers. Retries are spent from <paramref name="budget"/> (a fresh one when null), which a download's body
    /// loop shares. The caller owns (and disposes) the response, whatever its status.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(
        Func<HttpRequestMessage> createRequest, TimeSpan timeout, HttpCompletionOption completion, CancellationToken cancellationToken,
        RetryBudget? budget = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, typeof(HubApi));
        if (_options.Offline)
        {
            // The one place every request passes: in offline mode (HubApiOptions.Offline, HF_HUB_OFFLINE) none leaves.
            using HttpRequestMessage refused = createRequest();
            throw new HubException($"Offline mode is on (HF_HUB_OFFLINE): {refused.RequestUri?.GetLeftPart(UriPartial.Path)} cannot be asked.");
        }
        ResilienceContext context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(HubResiliencePipeline.BudgetKey, budget ?? NewRetryBudget());
        try
        {
            return await _pipeline.ExecuteAsync(async (ctx, state) =>
            {
                using HttpRequestMessage request = state.createRequest();
                state.self.Prepare(request);
                Uri? sent = request.RequestUri;
                ctx.Properties.Set(HubResiliencePipeline.RequestKey, (request.Method.Method, sent?.GetLeftPart(UriPartial.Path) ?? ""));
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ctx.CancellationToken);
                attempt.CancelAfter(state.timeout);
                long started = Stopwatch.GetTimestamp();
                try
                {
                    // A body read whole is read here, bounded, rather than by HttpClient (whose bound is 2 GiB).
                    HttpResponseMessage response = await state.self._client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attempt.Token).ConfigureAwait(false);
                    if (state.completion == HttpCompletionOption.ResponseContentRead) await BufferBoundedAsync(response, attempt.Token).ConfigureAwait(false);
                    if (request.RequestUri?.AbsolutePath != sent?.AbsolutePath)
                    {
                        // The handler followed a redirect itself (it rewrites the request's URI): the hub's answer was lost.
                        // Only the path is compared: a handler may sign the query or point the host at a mirror.
                        response.Dispose();
                        throw new InvalidOperationException(
                            $"The HttpClient's handler followed a redirect from {sent?.GetLeftPart(UriPartial.Path)} to {request.RequestUri?.GetLeftPart(UriPartial.Path)}. " +
                            "HubApi reads the hub's redirects itself: give it a handler with AllowAutoRedirect = false and no automatic " +
                            "decompression (services.AddHubApi() configures one), or use new HubApi(options).");
                    }
                    if (state.self.Logger.IsEnabled(LogLevel.Debug))
                    {
                        HubLog.Response(state.self.Logger, request.Method.Method, request.RequestUri?.GetLeftPart(UriPartial.Path) ?? "",
                            (int)response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }
                    return response;
                }
                catch (OperationCanceledException) when (!ctx.CancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException($"No answer from {request.RequestUri?.GetLeftPart(UriPartial.Path)} within {state.timeout.TotalSeconds:0.#} s.");
                }
            }, context, (self: this, createRequest, timeout, completion)).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>
    /// The most a body read whole may hold (JSON pages and answers, reconstructions, error bodies): 256 MiB, far above any
    /// the hub sends, far below what a hostile server could make the client hold otherwise.
    /// </summary>
    internal const int MaxBufferedBody = 256 * 1024 * 1024;

    /// <summary>
    /// Reads a successful <paramref name="response"/>'s body into memory, up to <see cref="MaxBufferedBody"/> (longer is
    /// refused, the response disposed). An error's body is left to <see cref="HubErrors"/>, which reads what its message
    /// needs, bounded in size and time.
    /// </summary>
    private static async Task BufferBoundedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode) return;
        try
        {
            Uri? uri = response.RequestMessage?.RequestUri;
            const long limit = MaxBufferedBody;
            if (response.Content.Headers.ContentLength > limit) throw TooLong(uri, response.Content.Headers.ContentLength.Value);
            var body = new MemoryStream();
            Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                byte[] buffer = ArrayPool<byte>.Shared.Rent(81920);
                try
                {
                    int read;
                    while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        if (body.Length + read > limit) throw TooLong(uri, body.Length + read);
                        body.Write(buffer, 0, read);
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
            var buffered = new ByteArrayContent(body.GetBuffer(), 0, (int)body.Length);
            foreach (KeyValuePair<string, IEnumerable<string>> header in response.Content.Headers)
            {
                buffered.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
            response.Content.Dispose();
            response.Content = buffered;
        }
        catch (IOException e)
        {
            response.Dispose();
            // As HttpClient's own buffering reports a body cut short: callers (the retries, the Xet fallback) expect that.
            throw new HttpRequestException(HttpRequestError.ResponseEnded, $"Error while reading the answer's body: {e.Message}", e);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private static HubProtocolException TooLong(Uri? uri, long bytes) =>
        new(string.Create(CultureInfo.InvariantCulture,
            $"The answer from {uri?.GetLeftPart(UriPartial.Path)} is longer than {MaxBufferedBody / (1024 * 1024)} MiB ({bytes:N0} bytes so far): not read."), uri);

    /// <summary>A budget for one logical request (see <see cref="RetryBudget"/>).</summary>
    public RetryBudget NewRetryBudget() => new(_options.Retry);

    /// <summary>Throws <see cref="HubProtocolException"/> unless bytes may be fetched from <paramref name="location"/> (http or https only).</summary>
    public static void EnsureHttpLocation(Uri location)
    {
        if (location.Scheme != Uri.UriSchemeHttps && location.Scheme != Uri.UriSchemeHttp)
        {
            throw new HubProtocolException($"Refusing to download from a '{location.Scheme}' location; only http and https are followed.", null);
        }
    }

    /// <summary>Throws the mapped <see cref="HubException"/> (disposing the response) unless it succeeded.</summary>
    public async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode) return;
        using (response)
        {
            throw await HubErrors.FromResponseAsync(response, _options.TimeProvider, cancellationToken, _options.Token, _options.MetadataTimeout).ConfigureAwait(false);
        }
    }

    private void Prepare(HttpRequestMessage request)
    {
        request.Headers.TryAddWithoutValidation("User-Agent", _userAgent);
        request.Headers.Authorization = null;
        if (request.Options.TryGetValue(Anonymous, out bool anonymous) && anonymous) return;
        if (request.Options.TryGetValue(BearerToken, out string? bearer))
        {
            // A token for another service (the Xet CAS): sent as given, and the hub token never with it.
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
        else if (_options.Token is { Length: > 0 } token && request.RequestUri is { } uri && IsEndpointHost(uri))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }
}
