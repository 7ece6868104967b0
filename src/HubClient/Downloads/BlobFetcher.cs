namespace HubClient;

/// <summary>
/// Brings one blob into <c>blobs/{etag}</c>, verified, safely against other threads and processes: takes the blob's lock,
/// continues the resumable partial <c>{etag}.incomplete</c> when it can own it, otherwise downloads to a unique temp name,
/// and publishes with an atomic rename. Returns whether this call published the blob.
/// </summary>
internal sealed class BlobFetcher
{
    private readonly HubHttp _http;
    private readonly SingleStreamDownloader _singleStream;

    public BlobFetcher(HubHttp http)
    {
        _http = http;
        _singleStream = new SingleStreamDownloader(http);
    }

    public async Task<bool> FetchAsync(RepoCacheLayout layout, BlobDownloadRequest request, bool force, CancellationToken cancellationToken)
    {
        string blobPath = layout.BlobPath(request.Etag);
        if (!force && File.Exists(blobPath)) return false;
        Directory.CreateDirectory(layout.BlobsDirectory);

        using BlobLock blobLock = await BlobLock.AcquireAsync(
            layout.LockPath(request.Etag), _http.Options.LockTimeout, () => !force && File.Exists(blobPath), cancellationToken).ConfigureAwait(false);
        if (!force && File.Exists(blobPath)) return false; // Another process published it while we waited.

        (FileStream file, string tempPath, bool resumable) = OpenPartial(layout, request.Etag, blobLock.IsHeld);
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
            return true;
        }
        finally
        {
            // A unique temp file cannot be resumed by anyone: never leave it behind. The shared partial stays for resume.
            if (!published && !resumable) AtomicFile.TryDelete(tempPath);
        }
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
        string unique = layout.BlobPath(etag) + "." + Guid.NewGuid().ToString("N")[..8] + ".incomplete";
        return (new FileStream(unique, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.Asynchronous), unique, false);
    }
}
