namespace HubClient;

/// <summary>
/// Brings one blob into <c>blobs/{etag}</c>, verified, safely against other threads and processes: takes the blob's lock,
/// continues the resumable partial <c>{etag}.incomplete</c> when it can own it, otherwise downloads to a unique temp name,
/// and publishes with an atomic rename. Large blobs (<see cref="TransferOptions.ParallelThreshold"/>) go in parallel ranges
/// with their own resumable partial; small ones (<see cref="LockFreeMaxSize"/>) skip the lock. Returns whether this call
/// published the blob.
/// </summary>
internal sealed class BlobFetcher
{
    /// <summary>
    /// Blobs up to this size (when no resumable partial of theirs exists) are fetched without the inter-process lock,
    /// into a unique temp file published by atomic rename: the lock would cost more file operations than a duplicate
    /// download of a small file by a concurrent process, and there is nothing worth resuming. A snapshot of thousands of
    /// small files also leaves no thousands of lock files behind.
    /// </summary>
    internal const long LockFreeMaxSize = 1024 * 1024;

    private readonly HubHttp _http;
    private readonly SingleStreamDownloader _singleStream;
    private readonly ParallelRangeDownloader _parallel;

    public BlobFetcher(HubHttp http)
    {
        _http = http;
        _singleStream = new SingleStreamDownloader(http);
        _parallel = new ParallelRangeDownloader(http);
    }

    public async Task<bool> FetchAsync(RepoCacheLayout layout, BlobDownloadRequest request, bool force, CancellationToken cancellationToken)
    {
        string blobPath = layout.BlobPath(request.Etag);
        if (!force && File.Exists(blobPath)) return false;
        Directory.CreateDirectory(layout.BlobsDirectory);

        bool parallel = _http.Options.Transfer.UseParallel(request.Size);
        if (!parallel && request.Size <= LockFreeMaxSize && !File.Exists(layout.IncompletePath(request.Etag)))
        {
            await DownloadAsync(layout, request, lockHeld: false, force, cancellationToken).ConfigureAwait(false);
            return true;
        }

        using BlobLock blobLock = await BlobLock.AcquireAsync(
            layout.LockPath(request.Etag), _http.Options.LockTimeout, () => !force && File.Exists(blobPath), cancellationToken).ConfigureAwait(false);
        if (!force && File.Exists(blobPath)) return false; // Another process published it while we waited.

        if (parallel
            && await TryParallelAsync(layout, request, blobLock.IsHeld, force, cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        await DownloadAsync(layout, request, blobLock.IsHeld, force, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Downloads in one stream into the shared partial (with the lock) or a unique temp file, and publishes the blob.</summary>
    private async Task DownloadAsync(RepoCacheLayout layout, BlobDownloadRequest request, bool lockHeld, bool force, CancellationToken cancellationToken)
    {
        string blobPath = layout.BlobPath(request.Etag);
        (FileStream file, string tempPath, bool resumable) = OpenPartial(layout, request.Etag, lockHeld);
        bool published = false;
        try
        {
            using (file)
            {
                if (force) file.SetLength(0);
                await _singleStream.DownloadAsync(request, file, cancellationToken).ConfigureAwait(false);
            }
            File.Move(tempPath, blobPath, overwrite: true);
            published = true;
        }
        finally
        {
            // A unique temp file cannot be resumed by anyone: never leave it behind. The shared partial stays for resume.
            if (!published && !resumable) AtomicFile.TryDelete(tempPath);
        }
    }

    /// <summary>
    /// Downloads a large blob in parallel ranges and publishes it. Holding the lock, it uses (and resumes) the shared
    /// <c>{etag}.chunked.incomplete</c> with its sidecar <c>{etag}.chunks.incomplete</c>; otherwise a unique temp file that
    /// is not resumed. Returns false, having removed its partial, when the server does not serve ranges: the caller then
    /// downloads in one stream.
    /// </summary>
    private async Task<bool> TryParallelAsync(RepoCacheLayout layout, BlobDownloadRequest request, bool lockHeld, bool force, CancellationToken cancellationToken)
    {
        string blobPath = layout.BlobPath(request.Etag);
        string dataPath = lockHeld ? layout.ChunkedPartialPath(request.Etag) : layout.UniqueTempPath(request.Etag);
        string? statePath = lockHeld ? layout.ChunkStatePath(request.Etag) : null;
        if (force) Discard(dataPath, statePath);
        while (true)
        {
            try
            {
                await _parallel.DownloadAsync(request, dataPath, statePath, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (PartialInUseException) when (statePath is not null)
            {
                // Someone else writes the shared partial despite the lock: keep clear of it.
                dataPath = layout.UniqueTempPath(request.Etag);
                statePath = null;
            }
            catch (RangeNotSupportedException)
            {
                Discard(dataPath, statePath);
                return false;
            }
            catch (Exception e) when (e is HubFileChangedException or HubIntegrityException || statePath is null)
            {
                // Bytes of another version (or bad ones), or a temp file nobody can resume: never leave them behind.
                Discard(dataPath, statePath);
                throw;
            }
        }
        File.Move(dataPath, blobPath, overwrite: true);
        if (statePath is not null)
        {
            AtomicFile.TryDelete(statePath);
            AtomicFile.TryDelete(layout.IncompletePath(request.Etag)); // A single-stream partial of the same blob is moot now.
        }
        return true;
    }

    private static void Discard(string dataPath, string? statePath)
    {
        AtomicFile.TryDelete(dataPath);
        if (statePath is not null) AtomicFile.TryDelete(statePath);
    }

    /// <summary>
    /// Opens the shared resumable partial exclusively when this process holds the blob lock; otherwise (or when another
    /// writer holds the partial) a fresh unique temp file.
    /// </summary>
    private static (FileStream File, string Path, bool Resumable) OpenPartial(RepoCacheLayout layout, string etag, bool lockHeld)
    {
        if (lockHeld)
        {
            string incomplete = layout.IncompletePath(etag);
            try
            {
                return (new FileStream(incomplete, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.Asynchronous), incomplete, true);
            }
            catch (IOException)
            {
                // Someone else writes it despite the lock (a file system whose locks do nothing): keep clear of it.
            }
        }
        string unique = layout.UniqueTempPath(etag);
        return (new FileStream(unique, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.Asynchronous), unique, false);
    }
}
