using System.Diagnostics;

namespace HubClient;

/// <summary>
/// The pipeline every downloaded file goes through, whatever the entry point (one file, a snapshot) or the destination
/// (the cache, a local folder): <b>resolve</b> (<see cref="DownloadResolver"/>: held already, offline, or the hub's
/// metadata), <b>transfer</b> (<see cref="TransferEngine"/>: one stream or parallel ranges into a resumable partial),
/// <b>verify</b> (while transferring; nothing unverified is published), <b>place</b> (the <see cref="IDownloadDestination"/>
/// makes the published file visible). Telemetry is counted here for every path: files, cache hits, an activity per file.
/// </summary>
internal sealed class FileDownloadPipeline
{
    /// <summary>How many times a file is fetched again when its blob vanishes while it is linked (a concurrent cache delete).</summary>
    private const int MaxPlaceAttempts = 3;

    private readonly HubHttp _http;
    private readonly FileMetadataFetcher _metadata;
    private readonly DownloadResolver _resolver;
    private readonly TransferEngine _engine;

    public FileDownloadPipeline(HubHttp http, FileMetadataFetcher metadata)
    {
        _http = http;
        _metadata = metadata;
        _resolver = new DownloadResolver(http);
        _engine = new TransferEngine(http);
    }

    public DownloadResolver Resolver => _resolver;

    /// <summary>The destination a download with these settings places its files in.</summary>
    public IDownloadDestination DestinationFor(RepoType repoType, string repoId, string? localDirectory)
    {
        var cache = new RepoCacheLayout(_http.Options.CacheDirectory, repoType, repoId);
        return localDirectory is null
            ? CacheDestination.For(cache, _http.Options)
            : new LocalDirectoryDestination(localDirectory, cache);
    }

    /// <summary><c>hf_hub_download</c>: one file at a revision, resolved with a HEAD unless it is held already.</summary>
    public async Task<string> DownloadAsync(
        RepoType repoType, string repoId, string revision, string path, DownloadFileOptions options, CancellationToken cancellationToken)
    {
        IDownloadDestination destination = DestinationFor(repoType, repoId, options.LocalDirectory);
        using Activity? activity = StartFileActivity(repoId, path, revision);

        if (Revision.IsCommitHash(revision) && !options.ForceDownload && destination.FindPinned(revision, path) is { } pinned)
        {
            return CacheHit(repoId, path, revision, pinned);
        }

        (string? held, HubFileMetadata? metadata) = await _resolver.ResolveAsync<(string?, HubFileMetadata?)>(
            options.LocalFilesOnly, options.ForceDownload,
            async ct =>
            {
                try
                {
                    return (null, await _metadata.GetAsync(repoType, repoId, revision, path, ct).ConfigureAwait(false));
                }
                catch (EntryNotFoundException e) when (e.CommitHash is { } commit && Revision.IsCommitHash(commit))
                {
                    destination.RecordMissing(revision, commit, path);
                    throw;
                }
            },
            (cause, mayUseHeld) => (_resolver.HeldOrThrow(destination, repoId, revision, path, cause, mayUseHeld), null),
            cancellationToken).ConfigureAwait(false);
        if (held is not null) return CacheHit(repoId, path, revision, held);

        destination.RecordRef(revision, metadata!.CommitHash, bestEffort: false);
        var request = new TransferRequest(path, metadata.Location, metadata.Etag, metadata.Size, options.Progress,
            async ct => (await _metadata.GetAsync(repoType, repoId, metadata.CommitHash, path, ct).ConfigureAwait(false)).Location,
            XetReference(repoType, repoId, path, metadata));
        return await PlaceAsync(destination, repoId, path, metadata, request, options.ForceDownload, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Puts the file <paramref name="metadata"/> describes at its entry unless it is there already: from a local copy, else
    /// through a transfer. Returns the entry.
    /// </summary>
    public async Task<string> PlaceAsync(
        IDownloadDestination destination, string repoId, string path, HubFileMetadata metadata, TransferRequest request, bool force,
        CancellationToken cancellationToken)
    {
        // Progress reports count bytes transferred: a file already in place reports none (callers tell hits from downloads so).
        if (!force && await destination.IsPresentAsync(path, metadata, recordCommit: true, cancellationToken).ConfigureAwait(false))
        {
            return CacheHit(repoId, path, metadata.CommitHash, destination.EntryPath(metadata.CommitHash, path));
        }
        if (!force && await destination.TryPlaceFromLocalCopyAsync(path, metadata, cancellationToken).ConfigureAwait(false)
            && TryPlace(destination, path, metadata, newlyPublished: false) is { } copied)
        {
            HubTelemetry.CacheHits.Add(1);
            return copied;
        }

        long started = Stopwatch.GetTimestamp();
        bool published;
        string entry;
        for (int attempt = 1; ; attempt++)
        {
            published = await _engine.FetchAsync(destination.TargetFor(path, metadata), request, force, cancellationToken).ConfigureAwait(false);
            await destination.SharePublishedAsync(path, metadata, published, force, cancellationToken).ConfigureAwait(false);
            CrashPoints.Reached(CrashPoints.BlobPublished);
            // A cache delete or prune beside this download (another process) may remove the blob between "it is there" and
            // its link (or copy): the entry is checked, and the blob fetched again, rather than a dangling link returned.
            if (TryPlace(destination, path, metadata, published) is { } placed)
            {
                entry = placed;
                break;
            }
            entry = destination.EntryPath(metadata.CommitHash, path);
            if (attempt == MaxPlaceAttempts)
            {
                throw new IOException($"'{entry}' lost its file {attempt} times while it was being placed: something (a cache delete or prune?) keeps removing it.");
            }
            HubLog.BlobRemovedWhilePlaced(_http.Logger, repoId, path);
        }
        if (published)
        {
            HubTelemetry.FilesDownloaded.Add(1);
            HubLog.Downloaded(_http.Logger, repoId, path, metadata.Size, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        else
        {
            HubTelemetry.CacheHits.Add(1);
            request.Progress?.Report(new DownloadProgress(path, metadata.Size, metadata.Size));
        }
        return entry;
    }

    /// <summary>
    /// Places the published file and returns its entry when that entry is present; null when the content vanished under it
    /// (the link dangles, or the copy found no blob to copy).
    /// </summary>
    internal static string? TryPlace(IDownloadDestination destination, string path, HubFileMetadata metadata, bool newlyPublished)
    {
        string entry;
        try
        {
            entry = destination.Place(path, metadata, newlyPublished);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        return EntryPresence.IsPresent(entry, metadata.Size) ? entry : null;
    }

    /// <summary>Where a Xet-backed file is in Xet storage (null for files the hub stores otherwise).</summary>
    public static Xet.XetFileRequest? XetReference(RepoType repoType, string repoId, string path, HubFileMetadata metadata) =>
        metadata.XetHash is { Length: 64 } xetHash && xetHash.All(char.IsAsciiHexDigitLower)
            ? new Xet.XetFileRequest(repoType, repoId, metadata.CommitHash, path, xetHash, metadata.Size)
            : null;

    /// <summary>An activity for one file (a child of the snapshot's, when in one).</summary>
    public static Activity? StartFileActivity(string repoId, string path, string revision)
    {
        Activity? activity = HubTelemetry.ActivitySource.StartActivity("HubClient.DownloadFile");
        activity?.SetTag("hub.repo_id", repoId);
        activity?.SetTag("hub.path", path);
        activity?.SetTag("hub.revision", revision);
        return activity;
    }

    private string CacheHit(string repoId, string path, string commit, string entry)
    {
        HubTelemetry.CacheHits.Add(1);
        HubLog.CacheHit(_http.Logger, repoId, path, commit);
        return entry;
    }
}
