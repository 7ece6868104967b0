namespace HubClient;

/// <summary>
/// The one cache-or-network decision of every download (a file into the cache, into a local folder, a snapshot): offline
/// (<see cref="HubApiOptions.Offline"/>, <c>LocalFilesOnly</c>) answers from what is held with no request; otherwise the hub
/// is asked, and when it cannot answer — network failures, timeouts, answers that are not a hub's, HTTP errors other than
/// "no such revision/file" — what is held answers instead (as huggingface_hub does), unless the caller forces a download.
/// A repository that is missing, private or gated says so rather than "not cached".
/// </summary>
internal sealed class DownloadResolver
{
    private readonly HubHttp _http;

    public DownloadResolver(HubHttp http) => _http = http;

    /// <summary>
    /// Asks <paramref name="online"/> unless the network is off; on an error after which the cache may answer, or offline,
    /// returns <paramref name="fromCache"/> (given the error, null offline, and whether a held copy may be used at all).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="force"/> together with offline mode.</exception>
    public async Task<T> ResolveAsync<T>(
        bool localFilesOnly, bool force, Func<CancellationToken, Task<T>> online, Func<Exception?, bool, T> fromCache, CancellationToken cancellationToken)
    {
        if (_http.Options.Offline || localFilesOnly)
        {
            if (force) throw new ArgumentException("ForceDownload cannot be combined with offline mode or LocalFilesOnly.", nameof(force));
            return fromCache(null, true);
        }
        try
        {
            return await online(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsCacheFallbackError(e, cancellationToken))
        {
            return fromCache(e, !force);
        }
    }

    /// <summary>The held entry when the cache may answer (offline, or the hub unreachable); otherwise the right error.</summary>
    public string HeldOrThrow(IDownloadDestination destination, string repoId, string revision, string path, Exception? cause, bool mayUseHeld)
    {
        bool knownMissing = false;
        if (mayUseHeld && destination.FindCached(revision, path, out knownMissing) is { } held)
        {
            if (cause is not null) LogServedFromCache(repoId, path, cause);
            return held;
        }
        ThrowIfAccessError(cause);
        string why = knownMissing ? "the hub said it does not exist at that revision; " : "";
        throw new LocalEntryNotFoundException(
            $"Cannot find '{path}' of {repoId} at revision '{revision}' locally ({why}not in {destination.Description}), and {WhyOffline(cause)}.",
            [path], cause);
    }

    /// <summary>Says on the log that the cache answered because the hub could not (the CLI shows it).</summary>
    public void LogServedFromCache(string repoId, string what, Exception cause) =>
        HubLog.ServedFromCacheAfterError(_http.Logger, repoId, what, (int?)(cause as HubException)?.StatusCode ?? 0, cause.Message);

    /// <summary>Errors after which huggingface_hub looks in the cache: network failures, timeouts, non-hub answers, HTTP errors other than "no such revision/file".</summary>
    internal static bool IsCacheFallbackError(Exception e, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested && e switch
        {
            RevisionNotFoundException or EntryNotFoundException => false,
            HubException or HttpRequestException or TimeoutException or IOException => true,
            _ => false,
        };

    /// <summary>A repository that does not exist, is private or gated says so rather than "not cached" (as huggingface_hub does).</summary>
    public static void ThrowIfAccessError(Exception? cause)
    {
        if (cause is RepositoryNotFoundException or GatedRepositoryException or HubException { StatusCode: System.Net.HttpStatusCode.Unauthorized })
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(cause).Throw();
        }
    }

    /// <summary>Why nothing held could answer, for <see cref="LocalEntryNotFoundException"/> messages.</summary>
    public static string WhyOffline(Exception? cause) =>
        cause switch
        {
            null => "the network is off (offline mode or LocalFilesOnly)",
            // An HTTP error (429 after the retries, 5xx, 401 with a cached copy): the hub answered, just not usably.
            HubException { StatusCode: not null } => $"the hub answered with an error: {cause.Message}",
            // The hub answered, with something HubClient will not use (an unsafe path, a malformed or inconsistent reply).
            HubProtocolException or HubIntegrityException => $"the hub's answer was refused: {cause.Message}",
            _ => $"the hub could not be reached: {cause.Message}",
        };
}
