using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using WireMock.Server;
using WireMock.Settings;

namespace HubClient.Testing;

/// <summary>
/// A hub on loopback for tests, built on WireMock.Net: serves the repositories you declare (regular and LFS files through
/// a CDN redirect to another host name, commits, branches, tags, gated/private/missing repos) with the real hub's headers,
/// redirects, byte ranges and JSON API; injects faults; logs every request.
/// </summary>
/// <example>
/// <code>
/// await using var hub = FakeHub.Start();
/// hub.AddRepo("acme/tiny-model").Commit(c => c.Add("config.json", "{}").AddLfs("model.bin", bytes));
/// using var api = new HubApi(hub.CreateOptions(cacheDirectory));
/// string path = await api.DownloadFileAsync("acme/tiny-model", "config.json");
/// </code>
/// </example>
public sealed class FakeHub : IDisposable, IAsyncDisposable
{
    private readonly ConcurrentDictionary<(RepoType, string), FakeRepo> _repos = new();
    private readonly ConcurrentDictionary<(RepoType, string), string> _renamed = new();
    private readonly ConcurrentQueue<FakeHubRequest> _requests = new();
    private TaskCompletionSource _requestsChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<FaultRule> _faults = [];
    private readonly Lock _faultLock = new();

    private FakeHub(int port)
    {
        Port = port;
        Endpoint = $"http://127.0.0.1:{port}";
        CdnEndpoint = $"http://localhost:{port}";
        Router = new FakeHubRouter(this);
        Cas = new FakeCas(this);
        Server = WireMockServer.Start(new WireMockServerSettings
        {
            Urls = [Endpoint],
            StartAdminInterface = false,
            PreWireMockMiddlewareInit = app => ((IApplicationBuilder)app).Use(
                (HttpContext context, Func<Task> next) => Router.HandleAsync(context, next)),
        });
    }

    /// <summary>The hub's base URL, <c>http://127.0.0.1:{port}</c>: pass it as <see cref="HubApiOptions.Endpoint"/>.</summary>
    public string Endpoint { get; }

    /// <summary>
    /// Where LFS redirects point, <c>http://localhost:{port}</c>: the same server under another host name, so a test can
    /// tell whether a client sent its token to a host other than the endpoint's.
    /// </summary>
    public string CdnEndpoint { get; }

    /// <summary>The TCP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The WireMock server hosting the hub, for stubs of your own (paths the fake hub does not serve).</summary>
    public WireMockServer Server { get; }

    /// <summary>The token that opens private and gated repos. Any other token but <see cref="TokenWithoutAccess"/> gets 401 "Invalid credentials".</summary>
    public string ValidToken { get; set; } = "hf_fake_token";

    /// <summary>
    /// A token the hub accepts that has no access to gated or private repos, as a logged-in user who has not accepted a
    /// gated repo's terms or cannot see a private repo: gated repos answer 403 <c>GatedRepo</c>, private ones 404
    /// <c>RepoNotFound</c>; public repos are served.
    /// </summary>
    public string TokenWithoutAccess { get; set; } = "hf_fake_token_without_access";

    /// <summary>Entries per page of tree listings (the real hub uses about 1,000).</summary>
    public int TreePageSize { get; set; } = 1000;

    /// <summary>Repositories per page of <c>/api/models|datasets|spaces</c> listings (and the most a <c>limit</c> may ask).</summary>
    public int ListingPageSize { get; set; } = 1000;

    /// <summary>Commits per page of <c>/api/…/commits/{rev}</c> listings.</summary>
    public int CommitsPageSize { get; set; } = 50;

    /// <summary>How long the Xet read tokens it issues stay valid (negative: already expired). Default one hour.</summary>
    public TimeSpan XetTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Chunks per xorb of Xet-backed files (xet-core packs up to 8,192; small here so tests see several xorbs).</summary>
    public int XetChunksPerXorb { get; set; } = 8;

    /// <summary>Chunks per reconstruction term (a xorb URL is signed for one range per term, unless <see cref="XetMergeFetchRanges"/>).</summary>
    public int XetChunksPerTerm { get; set; } = 4;

    /// <summary>
    /// Signs a xorb's adjacent or overlapping term ranges as one range, as xet-core's simulation CAS does
    /// (<c>xorb_utils.rs</c>, <c>compute_reconstruction_ranges</c>): several terms then share one signed range. Default
    /// false: one signed range per distinct term range.
    /// </summary>
    public bool XetMergeFetchRanges { get; set; }

    /// <summary>The fake CAS's chunks and xorbs, deduplicated across all files, revisions and repos.</summary>
    internal FakeXetStore XetStore { get; } = new();

    /// <summary>The fake Xet CAS's base URL (<c>casUrl</c> of read tokens), on the CDN host name.</summary>
    public string CasEndpoint => CdnEndpoint + "/cas";

    /// <summary>Every request received, in order of arrival.</summary>
    public IReadOnlyList<FakeHubRequest> Requests => _requests.ToArray();

    internal FakeHubRouter Router { get; }

    internal FakeCas Cas { get; }

    /// <summary>Starts a hub on a free port of 127.0.0.1.</summary>
    public static FakeHub Start()
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return new FakeHub(FreePort());
            }
            catch (Exception e) when (attempt < 5 && IsAddressInUse(e))
            {
                // The port was taken between probing and binding (another process, e.g. a second test run): try another.
            }
        }
    }

    /// <summary>WireMock reports a taken port as a WireMockException wrapping the server's IOException.</summary>
    private static bool IsAddressInUse(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse }) return true;
            if (e is AggregateException aggregate && aggregate.InnerExceptions.Any(IsAddressInUse)) return true;
        }
        return false;
    }

    /// <summary>Declares a repository (empty until its first <see cref="FakeRepo.Commit"/>).</summary>
    public FakeRepo AddRepo(string repoId, RepoType type = RepoType.Model)
    {
        var repo = new FakeRepo(repoId, type);
        if (!_repos.TryAdd((type, repoId), repo)) throw new InvalidOperationException($"{type} {repoId} already exists.");
        return repo;
    }

    /// <summary>The repository, or null.</summary>
    public FakeRepo? FindRepo(string repoId, RepoType type = RepoType.Model) => FindRepo(type, repoId);

    /// <summary>Renames a repository: requests to the old id get a relative 307 redirect (with a query string) to the new one.</summary>
    public void RenameRepo(string oldId, string newId, RepoType type = RepoType.Model) => _renamed[(type, oldId)] = newId;

    /// <summary>
    /// Applies <paramref name="fault"/> to the next <paramref name="times"/> requests matching <paramref name="when"/>
    /// (every request if null; forever if <paramref name="times"/> is null). Rules are tried in the order they were added.
    /// </summary>
    public FaultRule InjectFault(FakeFault fault, Func<FakeHubRequest, bool>? when = null, int? times = 1)
    {
        ArgumentNullException.ThrowIfNull(fault);
        var rule = new FaultRule(fault, when ?? RequestFilters.Any, times);
        lock (_faultLock) _faults.Add(rule);
        return rule;
    }

    /// <summary>Removes every fault rule.</summary>
    public void ClearFaults()
    {
        lock (_faultLock) _faults.Clear();
    }

    /// <summary>Forgets the request log.</summary>
    public void ClearRequests()
    {
        _requests.Clear();
        RequestsChanged();
    }

    /// <summary>
    /// Completes when <paramref name="condition"/> holds for the request log (<see cref="Requests"/>), checked now and at every
    /// change to it: a request arrives, stalls, or is done with. A test waits on it instead of polling, for instance until
    /// every answer in flight is stalled before it lets the client's idle timeout pass.
    /// </summary>
    /// <param name="condition">Checked against the log, in order of arrival; called on the hub's threads, so keep it quick.</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    public async Task WhenAsync(Func<IReadOnlyList<FakeHubRequest>, bool> condition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        while (true)
        {
            Task changed = Volatile.Read(ref _requestsChanged).Task;
            if (condition(Requests)) return;
            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void RequestsChanged() =>
        Interlocked.Exchange(ref _requestsChanged, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Options for a <see cref="HubApi"/> talking to this hub, with a cache folder and short retry delays for tests.</summary>
    public HubApiOptions CreateOptions(string cacheDirectory, string? token = null) => new()
    {
        Endpoint = Endpoint,
        CacheDirectory = cacheDirectory,
        Token = token,
        Retry = new HubRetryOptions { BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(10), UseJitter = false },
    };

    /// <inheritdoc />
    public void Dispose() => Server.Stop();

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Server.Stop();
        return ValueTask.CompletedTask;
    }

    internal FakeRepo? FindRepo(RepoType type, string repoId) => _repos.TryGetValue((type, repoId), out FakeRepo? repo) ? repo : null;

    internal IEnumerable<FakeRepo> AllRepos => _repos.Values;

    internal string? RenamedTo(RepoType type, string repoId) => _renamed.TryGetValue((type, repoId), out string? id) ? id : null;

    internal string CdnUrl(FakeFile file) =>
        $"{CdnEndpoint}/cdn/{file.Sha256}/{string.Join('/', file.Path.Split('/').Select(Uri.EscapeDataString))}?X-Amz-Signature=fake&Expires=4102444800";

    internal FakeFile? FindBlob(string sha256) =>
        _repos.Values.SelectMany(r => r.AllCommits).SelectMany(c => c.Files.Values).FirstOrDefault(f => f.Sha256 == sha256);

    internal IEnumerable<FakeFile> XetFiles =>
        _repos.Values.SelectMany(r => r.AllCommits).SelectMany(c => c.Files.Values).Where(f => f.IsXet);

    internal FakeHubRequest Log(HttpContext context, RawPath raw)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues> header in context.Request.Headers)
        {
            headers[header.Key] = header.Value.ToString();
        }
        var request = new FakeHubRequest(context.Request.Method, context.Request.Host.Value ?? "", raw.Path, raw.Query, headers)
        {
            Changed = RequestsChanged,
        };
        _requests.Enqueue(request);
        RequestsChanged();
        return request;
    }

    internal FakeFault? FindFault(FakeHubRequest request)
    {
        lock (_faultLock)
        {
            foreach (FaultRule rule in _faults)
            {
                if (rule.TryApply(request))
                {
                    request.AppliedRule = rule;
                    return rule.Fault;
                }
            }
        }
        return null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
