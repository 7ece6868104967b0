using System.Diagnostics;

namespace HubClient;

/// <summary>
/// <c>hf_hub_download</c> into the cache: answers from the cache when it can, otherwise asks the hub for the file's
/// metadata, fetches the blob and publishes <c>snapshots/{commit}/{path}</c> and <c>refs/{revision}</c>.
/// </summary>
internal sealed class CacheFileDownloader
{
    private readonly HubHttp _http;
    private readonly FileMetadataFetcher _metadata;
    private readonly BlobFetcher _blobs;

    public CacheFileDownloader(HubHttp http, FileMetadataFetcher metadata, BlobFetcher blobs)
    {
        _http = http;
        _metadata = metadata;
        _blobs = blobs;
    }

    public async Task<string> DownloadAsync(
        RepoType repoType, string repoId, string revision, string path, DownloadFileOptions options, CancellationToken cancellationToken)
    {
        var layout = new RepoCacheLayout(_http.Options.CacheDirectory, repoType, repoId);

        using Activity? activity = HubTelemetry.ActivitySource.StartActivity("HubClient.DownloadFile");
        activity?.SetTag("hub.repo_id", repoId);
        activity?.SetTag("hub.path", path);
        activity?.SetTag("hub.revision", revision);

        if (Revision.IsCommitHash(revision) && !options.ForceDownload)
        {
            string pointer = layout.SnapshotPath(revision, path);
            if (SnapshotPointer.IsUsable(pointer)) return CacheHit(repoId, path, revision, pointer);
        }

        if (_http.Options.Offline || options.LocalFilesOnly)
        {
            if (options.ForceDownload) throw new ArgumentException("ForceDownload cannot be combined with offline mode or LocalFilesOnly.", nameof(options));
            return FromCacheOrThrow(layout, revision, path, null);
        }

        HubFileMetadata metadata;
        try
        {
            metadata = await _metadata.GetAsync(repoType, repoId, revision, path, cancellationToken).ConfigureAwait(false);
        }
        catch (EntryNotFoundException e) when (e.CommitHash is { } commit && Revision.IsCommitHash(commit))
        {
            MarkMissing(layout, revision, commit, path);
            throw;
        }
        catch (Exception e) when (IsCacheFallbackError(e, cancellationToken))
        {
            if (!options.ForceDownload && CacheLookup.FindFile(layout, revision, path, out _) is { } cached)
            {
                HubLog.ServedFromCacheAfterError(_http.Logger, repoId, path, e.Message);
                return cached;
            }
            if (e is RepositoryNotFoundException or HubException { StatusCode: System.Net.HttpStatusCode.Unauthorized }) throw;
            throw new LocalEntryNotFoundException(
                $"'{path}' of {repoId}@{revision} is not in the cache at {layout.RepoDirectory}, and the hub could not be reached: {e.Message}",
                [path], e);
        }

        string commitHash = metadata.CommitHash;
        if (revision != commitHash) AtomicFile.WriteTextIfChanged(layout.RefPath(revision), commitHash);
        string pointerPath = layout.SnapshotPath(commitHash, path);
        if (!options.ForceDownload && SnapshotPointer.IsUsable(pointerPath)) return CacheHit(repoId, path, commitHash, pointerPath);

        long started = Stopwatch.GetTimestamp();
        var request = new BlobDownloadRequest(path, metadata.Location, metadata.Etag, metadata.Size, options.Progress,
            async ct => (await _metadata.GetAsync(repoType, repoId, commitHash, path, ct).ConfigureAwait(false)).Location);
        bool newBlob = await _blobs.FetchAsync(layout, request, options.ForceDownload, cancellationToken).ConfigureAwait(false);
        CrashPoints.Reached(CrashPoints.BlobPublished);
        SnapshotPointer.Create(layout, commitHash, path, metadata.Etag, newBlob, _http.Options.DisableSymlinks);
        AtomicFile.TryDelete(layout.NoExistPath(commitHash, path));
        if (newBlob)
        {
            HubTelemetry.FilesDownloaded.Add(1);
            HubLog.Downloaded(_http.Logger, repoId, path, metadata.Size, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        else
        {
            options.Progress?.Report(new DownloadProgress(path, metadata.Size, metadata.Size));
        }
        return pointerPath;
    }

    private string CacheHit(string repoId, string path, string commit, string pointer)
    {
        HubTelemetry.CacheHits.Add(1);
        HubLog.CacheHit(_http.Logger, repoId, path, commit);
        return pointer;
    }

    /// <summary>Errors after which huggingface_hub looks in the cache: network failures, timeouts, non-hub answers, HTTP errors other than "no such revision/file".</summary>
    internal static bool IsCacheFallbackError(Exception e, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested && e switch
        {
            RevisionNotFoundException or EntryNotFoundException => false,
            HubException or HttpRequestException or TimeoutException or IOException => true,
            _ => false,
        };

    internal static string FromCacheOrThrow(RepoCacheLayout layout, string revision, string path, Exception? cause)
    {
        if (CacheLookup.FindFile(layout, revision, path, out bool knownMissing) is { } cached) return cached;
        string why = knownMissing ? "the hub said it does not exist at that revision" : "it is not in the cache";
        throw new LocalEntryNotFoundException(
            $"Cannot find '{path}' at revision '{revision}' locally ({why}; cache {layout.RepoDirectory}) and the network is off (offline mode or LocalFilesOnly).",
            [path], cause);
    }

    private static void MarkMissing(RepoCacheLayout layout, string revision, string commit, string path)
    {
        try
        {
            string marker = layout.NoExistPath(commit, path);
            Directory.CreateDirectory(Path.GetDirectoryName(marker)!);
            if (!File.Exists(marker)) File.WriteAllBytes(marker, []);
            if (revision != commit) AtomicFile.WriteTextIfChanged(layout.RefPath(revision), commit);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A read-only cache cannot remember the miss; the error itself still reaches the caller.
        }
    }
}
