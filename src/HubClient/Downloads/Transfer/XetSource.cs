using HubClient.Xet;
using Microsoft.Win32.SafeHandles;

namespace HubClient;

/// <summary>
/// Transfers a Xet-backed file through the hub's Xet storage (<see cref="XetFileDownloader"/>: read token, reconstruction,
/// xorb ranges, chunk decoding, terms written at their file offsets, resumable through a term ledger) into a preallocated
/// partial, checking the whole file's content hash against the etag as the written prefix grows. The Xet file hash is checked by the downloader from
/// the chunk hashes. A <see cref="XetUnavailableException"/> means "use the plain-HTTP bridge instead"; an integrity
/// failure never does.
/// </summary>
internal sealed class XetSource
{
    private readonly XetFileDownloader _downloader;
    private readonly HubHttp _http;

    public XetSource(HubHttp http)
    {
        _http = http;
        _downloader = new XetFileDownloader(http, new XetDownloadOptions
        {
            MaxConcurrentFetches = http.Options.Transfer.MaxXetFetches,
            WriteBufferSize = http.Options.Transfer.BufferSize,
        });
    }

    /// <summary>
    /// Fills <paramref name="dataPath"/> with the verified file (resumable when <paramref name="ledgerPath"/> is given), copying
    /// the chunks the cache already holds unless <paramref name="reuseHeld"/> is off; <paramref name="ownBlobPath"/> (the
    /// target's final path) is never a source.
    /// </summary>
    /// <exception cref="XetUnavailableException">The CAS could not serve the file; nothing wrong was written.</exception>
    /// <exception cref="HubIntegrityException">The reconstructed bytes do not hash to the Xet hash or the etag.</exception>
    /// <exception cref="PartialInUseException">Another writer holds the partial.</exception>
    public async Task<XetDownloadResult> DownloadAsync(TransferRequest request, XetFileRequest xet, string dataPath, string? ledgerPath, bool reuseHeld,
        string? ownBlobPath, CancellationToken cancellationToken)
    {
        SafeFileHandle? file = ledgerPath is not null && File.Exists(ledgerPath) ? PartialFile.TryOpenExisting(dataPath, request.Size) : null;
        if (file is null)
        {
            if (ledgerPath is not null) AtomicFile.TryDelete(ledgerPath);
            file = PartialFile.CreatePreallocated(dataPath, request.Size);
        }
        using (file)
        {
            var progress = new ByteProgress(request.RepoPath, request.Size, request.Progress);
            XetReuse? reuse = reuseHeld ? new XetReuse(_http.Options.CacheDirectory, ownBlobPath, progress.AddReused) : null;
            // The etag's hash (SHA-256 for LFS and Xet files) follows the written prefix during the download rather than
            // reading the whole file afterwards. An etag that is no content hash is checked by size only, as on the bridge.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using WrittenPrefixHasher? hasher = ContentHasher.IsContentHash(request.Etag) ? new WrittenPrefixHasher(file, request.Size, request.Etag, stop.Token) : null;
            XetDownloadResult result;
            try
            {
                // Resumed bytes are progress of the file, not bytes received (hubclient.download.bytes).
                result = await _downloader.DownloadAsync(xet, file, ledgerPath, bytes =>
                {
                    progress.Add(bytes);
                    HubTelemetry.BytesDownloaded.Add(bytes);
                }, progress.Add, hasher is null ? null : hasher.Written, reuse, cancellationToken).ConfigureAwait(false);
                if (hasher is not null)
                {
                    XetVerification.CheckEtag(await hasher.FinishAsync(cancellationToken).ConfigureAwait(false), request.RepoPath, request.Etag);
                }
            }
            finally
            {
                await stop.CancelAsync().ConfigureAwait(false);
                if (hasher is not null) await hasher.DrainAsync().ConfigureAwait(false);
            }
            // Counted once verified: reused bytes a refetch took back are not reuse.
            if (progress.Reused > 0) HubTelemetry.BytesReused.Add(progress.Reused);
            return result;
        }
    }
}
