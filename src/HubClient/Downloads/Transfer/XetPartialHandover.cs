using System.Buffers;
using System.IO.Hashing;
using HubClient.Xet;
using Microsoft.Win32.SafeHandles;

namespace HubClient;

/// <summary>
/// When Xet storage gives up on a file part-way (the CAS unreachable, its answers failing past the retries), hands what it
/// wrote to the plain-HTTP transfer that takes over, so that the bridge fetches only the rest instead of the whole file:
/// the chunks the Xet term ledger records and that read back from disk with the hash recorded for them
/// (<see cref="XetWrittenCheck"/>) become completed chunks and chunk prefixes in the sidecar of the chunked partial
/// (parallel ranges), each with the XxHash3 of the bytes on disk, or the written prefix of the prefix partial (one stream).
/// Only for a file whose etag is its content hash: nothing vouches for Xet's bytes but the Xet file hash, which the bridge
/// does not check, so the bridge's SHA-256 (or git SHA-1) of the whole file must; a mismatch there makes the bridge start
/// over once from nothing, as for any resumed partial.
/// </summary>
internal static class XetPartialHandover
{
    /// <summary>
    /// Moves the Xet partial to the partial the bridge resumes (<paramref name="parallel"/>: the chunked one with a new
    /// sidecar; otherwise the prefix partial) unless the bridge's own partial already holds more (ignored when
    /// <paramref name="force"/>: it is stale), and returns the bytes handed over; 0 when there is nothing worth keeping.
    /// The caller deletes the Xet partial and ledger afterwards either way.
    /// </summary>
    /// <exception cref="IOException">A file could not be read, written or moved (the caller then discards the Xet partial).</exception>
    public static async Task<long> HandOverAsync(TransferTarget target, TransferRequest request, bool parallel, bool force, TransferOptions options,
        CancellationToken cancellationToken)
    {
        if (!ContentHasher.IsContentHash(request.Etag) || !File.Exists(target.XetLedgerPath)
            || new FileInfo(target.XetPartialPath) is not { Exists: true } partial || partial.Length != request.Size)
        {
            return 0;
        }
        List<(long Start, long End)> written;
        using (XetTermLedger ledger = XetTermLedger.Open(target.XetLedgerPath, request.Xet!.XetHash, request.Size))
        using (SafeFileHandle file = File.OpenHandle(target.XetPartialPath, FileMode.Open, FileAccess.Read, FileShare.None, FileOptions.Asynchronous))
        {
            var onDisk = new List<XetLedgerTerm>();
            foreach (XetLedgerTerm span in ledger.Spans)
            {
                if (await XetWrittenCheck.OnDiskPrefixAsync(file, span, verified: null, cancellationToken).ConfigureAwait(false) is { } verified) onDisk.Add(verified);
            }
            written = XetTermLedger.Cover(onDisk);
        }
        if (written.Count == 0) return 0;
        return parallel
            ? await ToChunkedPartialAsync(target, request, written, force, options, cancellationToken).ConfigureAwait(false)
            : ToPrefixPartial(target, request.Size, written, force);
    }

    private static async Task<long> ToChunkedPartialAsync(TransferTarget target, TransferRequest request, List<(long Start, long End)> written,
        bool force, TransferOptions options, CancellationToken cancellationToken)
    {
        var state = new ChunkState(request.Etag, new ChunkPlan(request.Size, options.ChunkSize));
        long kept = 0;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(options.BufferSize);
        try
        {
            using SafeFileHandle file = File.OpenHandle(target.XetPartialPath, FileMode.Open, FileAccess.Read, FileShare.None, FileOptions.Asynchronous);
            int range = 0;
            for (int i = 0; i < state.Plan.Count; i++)
            {
                FileChunk chunk = state.Plan[i];
                while (range < written.Count && written[range].End <= chunk.Offset) range++;
                if (range == written.Count) break;
                if (written[range].Start > chunk.Offset) continue;
                long length = Math.Min(written[range].End, chunk.End) - chunk.Offset;
                var checksum = new XxHash3();
                if (!await ResumedChunkValidator.ChecksumAsync(file, chunk.Offset, length, checksum, inline: null, buffer, options.BufferSize, cancellationToken).ConfigureAwait(false))
                {
                    throw new IOException($"'{target.XetPartialPath}' ended before byte {chunk.Offset + length}.");
                }
                state.MarkPartial(i, length, checksum.GetCurrentHashAsUInt64());
                kept += length;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        // Nothing but pieces that start inside a chunk (the ranges would fetch those chunks whole), or less than the bridge
        // itself left of the file in an earlier run: the bridge goes on from its own partial.
        using var stateFile = new ChunkStateFile(target.LedgerPath);
        if (kept == 0 || (!force && File.Exists(target.ChunkedPartialPath) && stateFile.TryLoad(request.Etag, state.Plan) is { } earlier && earlier.BytesRecorded > kept))
        {
            return 0;
        }
        // The sidecar first. Killed before the move, the rerun still finds the Xet partial and ledger, so Xet resumes (or
        // hands over again: the sidecar then holds no more than this one, and is replaced); a bridge that ran instead would
        // find the sidecar's chunks failing their checksums in the old chunked partial, and fetch them.
        await stateFile.SaveAsync(state, cancellationToken).ConfigureAwait(false);
        CrashPoints.Reached(CrashPoints.XetHandoverRecorded);
        File.Move(target.XetPartialPath, target.ChunkedPartialPath, overwrite: true);
        CrashPoints.Reached(CrashPoints.XetHandedOver);
        return kept;
    }

    private static long ToPrefixPartial(TransferTarget target, long size, List<(long Start, long End)> written, bool force)
    {
        long prefix = written[0].Start == 0 ? written[0].End : 0;
        if (prefix == 0 || (!force && PrefixPartialHolds(target, prefix, size))) return 0;
        // Truncated first, then moved: a Xet partial shorter than the file is always this step's, which
        // FinishInterrupted completes if a kill came in between.
        using (SafeFileHandle file = File.OpenHandle(target.XetPartialPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            RandomAccess.SetLength(file, prefix);
        }
        File.Move(target.XetPartialPath, target.ResumablePartialPath, overwrite: true);
        CrashPoints.Reached(CrashPoints.XetHandedOver);
        return prefix;
    }

    /// <summary>
    /// Completes a one-stream handover that was killed between truncating the Xet partial to its written prefix and moving
    /// it (a Xet partial shorter than the file is nothing else): the prefix becomes the prefix partial unless that one
    /// already holds more, and the Xet ledger goes. Call with the target's lock held.
    /// </summary>
    public static void FinishInterrupted(TransferTarget target, long size)
    {
        if (new FileInfo(target.XetPartialPath) is not { Exists: true } partial || partial.Length >= size) return;
        try
        {
            if (!PrefixPartialHolds(target, partial.Length, size)) File.Move(target.XetPartialPath, target.ResumablePartialPath, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not worth failing the download over: the prefix is discarded below.
        }
        AtomicFile.TryDelete(target.XetPartialPath);
        AtomicFile.TryDelete(target.XetLedgerPath);
    }

    /// <summary>Whether the prefix partial already holds at least <paramref name="bytes"/> of a file of <paramref name="size"/> bytes.</summary>
    private static bool PrefixPartialHolds(TransferTarget target, long bytes, long size) =>
        new FileInfo(target.ResumablePartialPath) is { Exists: true } existing && existing.Length >= bytes && existing.Length <= size;
}
