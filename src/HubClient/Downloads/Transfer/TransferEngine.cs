using System.Runtime.ExceptionServices;

namespace HubClient;

/// <summary>
/// Brings one file's verified content to a <see cref="TransferTarget"/> — a cache blob or a file in a local folder — safely
/// against other threads and processes, and is the one place that chooses how: parallel ranges for a large file
/// (<see cref="TransferOptions.UseParallel"/>) into a resumable chunked partial with its ledger, one stream otherwise into
/// the resumable prefix partial. The target's lock guards the resumable partials; without it (read-only lock folder, a
/// timeout, locks that do nothing) the transfer goes to a private temp file. Small files (<see cref="LockFreeMaxSize"/>)
/// skip the lock. Publishing is an atomic rename of a verified file, nothing else.
/// </summary>
internal sealed class TransferEngine
{
    /// <summary>
    /// Files up to this size (when no resumable partial of theirs exists) are fetched without the inter-process lock, into a
    /// unique temp file published by atomic rename: the lock would cost more file operations than a duplicate download of a
    /// small file by a concurrent process, and there is nothing worth resuming. A snapshot of thousands of small files also
    /// leaves no thousands of lock files behind.
    /// </summary>
    internal const long LockFreeMaxSize = 1024 * 1024;

    private readonly HubHttp _http;
    private readonly SingleStreamSource _singleStream;
    private readonly ParallelRangeSource _parallel;
    private readonly XetSource _xet;

    public TransferEngine(HubHttp http)
    {
        _http = http;
        var reader = new HttpRangeReader(http);
        _singleStream = new SingleStreamSource(http, reader);
        _parallel = new ParallelRangeSource(http, reader);
        _xet = new XetSource(http);
    }

    /// <summary>Publishes the verified content at the target's final path; false when another writer already had (and <paramref name="force"/> is off).</summary>
    public async Task<bool> FetchAsync(TransferTarget target, TransferRequest request, bool force, CancellationToken cancellationToken)
    {
        if (!force && target.IsPublished()) return false;
        Directory.CreateDirectory(Path.GetDirectoryName(target.ResumablePartialPath)!);
        foreach (string aside in target.MoveFoldersAside()) HubLog.FolderMovedAside(_http.Logger, request.RepoPath, aside);

        bool xet = request.Xet is not null && !_http.Options.DisableXet;
        bool parallel = _http.Options.Transfer.UseParallel(request.Size);
        if (!xet && !parallel && request.Size <= LockFreeMaxSize && !File.Exists(target.ResumablePartialPath))
        {
            await StreamAsync(target, request, lockHeld: false, force, cancellationToken).ConfigureAwait(false);
            return true;
        }

        using BlobLock blobLock = await BlobLock.AcquireAsync(
            target.LockPath, _http.Options.LockTimeout, () => !force && target.IsPublished(), cancellationToken).ConfigureAwait(false);
        if (!force && target.IsPublished())
        {
            // Another process published it (while we waited, or after an earlier run of ours stopped): our partials of it
            // will never be resumed, and nobody else writes them while we hold the lock.
            if (blobLock.IsHeld) DiscardPartials(target);
            return false;
        }

        if (blobLock.IsHeld) XetPartialHandover.FinishInterrupted(target, request.Size);
        Exception? bridgeFailure = null;
        if (xet && !force && blobLock.IsHeld && !File.Exists(target.XetPartialPath) && HoldsBridgePartial(target, request, parallel))
        {
            // An earlier run fell back to the bridge (or had Xet off) and stopped: the bridge continues from its partial (Xet
            // has none to continue from). Should the bridge fail now, Xet storage still gets its chance; the partial stays.
            try
            {
                await BridgeAsync(target, request, parallel, lockHeld: true, force: false, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && IsBridgeUnavailable(e))
            {
                HubLog.BridgeFailed(_http.Logger, request.RepoPath, e.Message);
                bridgeFailure = e;
            }
        }
        if (xet)
        {
            XetOutcome outcome = await TryXetAsync(target, request, blobLock.IsHeld, force, parallel, cancellationToken).ConfigureAwait(false);
            if (outcome == XetOutcome.Published) return true;
            // Both transports failed this call: the bridge's own failure says why.
            if (bridgeFailure is not null) ExceptionDispatchInfo.Capture(bridgeFailure).Throw();
            // What Xet handed over was written by this very call: a forced download keeps it.
            if (outcome == XetOutcome.HandedOver) force = false;
        }
        await BridgeAsync(target, request, parallel, blobLock.IsHeld, force, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// A failure of the plain-HTTP bridge that says nothing against the file or the disk (the network, the CDN's answers),
    /// after which Xet storage may still serve the file.
    /// </summary>
    private static bool IsBridgeUnavailable(Exception e) =>
        e is HttpRequestException or TimeoutException
        || (e is IOException && e is not LocalWriteException)
        || (e is HubException && e is not (HubIntegrityException or HubFileChangedException));

    /// <summary>The plain-HTTP bridge: parallel ranges for a large file (one stream if the server serves no ranges), else one stream.</summary>
    private async Task BridgeAsync(TransferTarget target, TransferRequest request, bool parallel, bool lockHeld, bool force, CancellationToken cancellationToken)
    {
        if (parallel && await TryParallelAsync(target, request, lockHeld, force, cancellationToken).ConfigureAwait(false)) return;
        await StreamAsync(target, request, lockHeld, force, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One stream into the resumable partial (with the lock) or a unique temp file, then publish.</summary>
    private async Task StreamAsync(TransferTarget target, TransferRequest request, bool lockHeld, bool force, CancellationToken cancellationToken)
    {
        (FileStream file, string tempPath, bool resumable) = OpenPartial(target, lockHeld);
        bool published = false;
        try
        {
            using (file)
            {
                if (force) file.SetLength(0);
                await _singleStream.DownloadAsync(request, file, cancellationToken).ConfigureAwait(false);
            }
            Publish(tempPath, target, request.RepoPath);
            HubLog.Transport(_http.Logger, request.RepoPath, "http");
            published = true;
            if (resumable) DiscardPartials(target);
        }
        finally
        {
            // A unique temp file cannot be resumed by anyone: never leave it behind. The shared partial stays for resume.
            if (!published && !resumable) AtomicFile.TryDelete(tempPath);
        }
    }

    /// <summary>
    /// Parallel ranges, then publish. Holding the lock, it uses (and resumes) the chunked partial with its ledger; otherwise
    /// a unique temp file that is not resumed. Returns false, having removed its partial, when the server does not serve
    /// ranges: the caller then uses one stream.
    /// </summary>
    private async Task<bool> TryParallelAsync(TransferTarget target, TransferRequest request, bool lockHeld, bool force, CancellationToken cancellationToken)
    {
        string dataPath = lockHeld ? target.ChunkedPartialPath : target.NewUniqueTempPath();
        string? ledgerPath = lockHeld ? target.LedgerPath : null;
        if (force) Discard(dataPath, ledgerPath);
        while (true)
        {
            try
            {
                await _parallel.DownloadAsync(request, dataPath, ledgerPath, cancellationToken).ConfigureAwait(false);
                HubLog.Transport(_http.Logger, request.RepoPath, "http-ranges");
                break;
            }
            catch (PartialInUseException) when (ledgerPath is not null)
            {
                // Someone else writes the shared partial despite the lock: keep clear of it.
                dataPath = target.NewUniqueTempPath();
                ledgerPath = null;
            }
            catch (RangeNotSupportedException)
            {
                Discard(dataPath, ledgerPath);
                return false;
            }
            catch (Exception e) when (e is HubFileChangedException or HubIntegrityException || ledgerPath is null)
            {
                // Bytes of another version (or bad ones), or a temp file nobody can resume: never leave them behind.
                Discard(dataPath, ledgerPath);
                throw;
            }
        }
        Publish(dataPath, target, request.RepoPath);
        if (ledgerPath is not null) DiscardPartials(target);
        return true;
    }

    /// <summary>
    /// Xet storage first for a Xet-backed file: into the Xet partial and its term ledger (with the lock; a private temp file
    /// otherwise). When Xet storage cannot serve the file the fallback is logged and counted, and what it wrote is handed to
    /// the partial of the bridge's transfer (<paramref name="parallel"/> ranges or one stream; <see cref="XetPartialHandover"/>)
    /// or discarded: the caller then uses the plain-HTTP bridge. An integrity failure is never a reason to fall back: it
    /// throws, and the bytes are discarded.
    /// </summary>
    private async Task<XetOutcome> TryXetAsync(TransferTarget target, TransferRequest request, bool lockHeld, bool force, bool parallel,
        CancellationToken cancellationToken)
    {
        string dataPath = lockHeld ? target.XetPartialPath : target.NewUniqueTempPath();
        string? ledgerPath = lockHeld ? target.XetLedgerPath : null;
        if (force) Discard(dataPath, ledgerPath);
        Xet.XetDownloadResult result;
        while (true)
        {
            try
            {
                result = await _xet.DownloadAsync(request, request.Xet!, dataPath, ledgerPath, reuseHeld: !force, target.FinalPath, cancellationToken).ConfigureAwait(false);
                HubLog.Transport(_http.Logger, request.RepoPath, "xet");
                break;
            }
            catch (PartialInUseException) when (ledgerPath is not null)
            {
                dataPath = target.NewUniqueTempPath();
                ledgerPath = null;
            }
            catch (Xet.XetUnavailableException e)
            {
                HubLog.XetFallback(_http.Logger, request.RepoPath, e.Message);
                HubTelemetry.XetFallbacks.Add(1);
                long handedOver = 0;
                if (ledgerPath is not null && !e.WrittenBytesSuspect)
                {
                    try
                    {
                        handedOver = await XetPartialHandover.HandOverAsync(target, request, parallel, force, _http.Options.Transfer, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception handover) when (handover is IOException or UnauthorizedAccessException)
                    {
                        // Not worth failing the download over: the bridge starts from nothing.
                    }
                }
                Discard(dataPath, ledgerPath);
                if (handedOver == 0) return XetOutcome.FellBack;
                HubLog.XetHandedOver(_http.Logger, request.RepoPath, handedOver, request.Size);
                return XetOutcome.HandedOver;
            }
            catch (Exception e) when (e is HubIntegrityException || ledgerPath is null)
            {
                Discard(dataPath, ledgerPath);
                throw;
            }
        }
        Publish(dataPath, target, request.RepoPath);
        // Partials of the bridge an earlier run left (it fell back, then stopped) are moot now.
        if (ledgerPath is not null) DiscardPartials(target);
        if (target.XetRecordPath is { } recordPath && result.Terms.Count > 0)
        {
            Xet.XetBlobRecords.TryWrite(recordPath, request.Xet!.XetHash, request.Size, request.Etag, result.Terms);
        }
        return XetOutcome.Published;
    }

    /// <summary>Whether the partial the bridge would continue (<paramref name="parallel"/> ranges' or one stream's) holds bytes of the file.</summary>
    private bool HoldsBridgePartial(TransferTarget target, TransferRequest request, bool parallel)
    {
        if (!parallel) return new FileInfo(target.ResumablePartialPath) is { Exists: true, Length: > 0 };
        if (!File.Exists(target.ChunkedPartialPath)) return false;
        using var stateFile = new ChunkStateFile(target.LedgerPath);
        return stateFile.TryLoad(request.Etag, new ChunkPlan(request.Size, _http.Options.Transfer.ChunkSize)) is { BytesRecorded: > 0 };
    }

    /// <summary>The one way a verified file becomes visible: an atomic rename onto the final path.</summary>
    /// <exception cref="IOException">The verified file is gone: another process deleted it (a cache cleanup) before the rename.</exception>
    private static void Publish(string verifiedPath, TransferTarget target, string repoPath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target.FinalPath)!);
        try
        {
            File.Move(verifiedPath, target.FinalPath, overwrite: true);
        }
        catch (FileNotFoundException e) when (!File.Exists(verifiedPath))
        {
            throw new IOException(
                $"The download of '{repoPath}' was complete and verified, but another process deleted it ({verifiedPath}) before it could be published " +
                "(a cache cleanup such as `hf cache prune`, which removes every *.incomplete file?). Nothing was published; download it again.", e);
        }
    }

    private static void DiscardPartials(TransferTarget target)
    {
        foreach (string partial in new[] { target.ResumablePartialPath, target.ChunkedPartialPath, target.LedgerPath, target.XetPartialPath, target.XetLedgerPath })
        {
            AtomicFile.TryDelete(partial);
        }
    }

    private static void Discard(string dataPath, string? ledgerPath)
    {
        AtomicFile.TryDelete(dataPath);
        if (ledgerPath is not null) AtomicFile.TryDelete(ledgerPath);
    }

    /// <summary>
    /// Opens the resumable partial exclusively when this process holds the lock; otherwise (or when another writer holds the
    /// partial) a fresh unique temp file.
    /// </summary>
    private static (FileStream File, string Path, bool Resumable) OpenPartial(TransferTarget target, bool lockHeld)
    {
        if (lockHeld)
        {
            try
            {
                return (new FileStream(target.ResumablePartialPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.Asynchronous),
                    target.ResumablePartialPath, true);
            }
            catch (IOException)
            {
                // Someone else writes it despite the lock (a file system whose locks do nothing): keep clear of it.
            }
        }
        string unique = target.NewUniqueTempPath();
        return (new FileStream(unique, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.Asynchronous), unique, false);
    }

    private enum XetOutcome
    {
        Published,

        /// <summary>The bridge must fetch the whole file.</summary>
        FellBack,

        /// <summary>The bridge continues from what Xet wrote, in its own partial.</summary>
        HandedOver,
    }
}
