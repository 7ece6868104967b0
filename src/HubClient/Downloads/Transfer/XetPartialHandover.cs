using System.Buffers;
using System.IO.Hashing;
using HubClient.Xet;
using Microsoft.Win32.SafeHandles;

namespace HubClient;

/// <summary>
/// When Xet storage gives up on a file part-way (the CAS unreachable, its answers failing past the retries), hands what it
/// wrote to the plain-HTTP transfer that takes over, so that the bridge fetches only the rest instead of the whole file:
/// the bytes the Xet term ledger records become completed chunks and chunk prefixes in the sidecar of the chunked partial
/// (parallel ranges), each with the XxHash3 of the bytes on disk, or the written prefix of the prefix partial (one stream).
/// Those bytes were checked against nothing but their own chunk hashes: as for any resumed partial, the whole file's hash
/// is checked before publishing, and a mismatch makes the bridge start over once from nothing.
/// </summary>
internal static class XetPartialHandover
{
    /// <summary>
    /// Moves the Xet partial to the partial the bridge resumes (<paramref name="parallel"/>: the chunked one with a new
    /// sidecar; otherwise the prefix partial, unless that one already holds more) and returns the bytes handed over; 0 when
    /// there is nothing worth keeping. The caller deletes the Xet partial and ledger afterwards either way.
    /// </summary>
    /// <exception cref="IOException">A file could not be read, written or moved (the caller then discards the Xet partial).</exception>
    public static async Task<long> HandOverAsync(TransferTarget target, TransferRequest request, bool parallel, TransferOptions options,
        CancellationToken cancellationToken)
    {
        if (!File.Exists(target.XetLedgerPath) || new FileInfo(target.XetPartialPath) is not { Exists: true } partial || partial.Length != request.Size)
        {
            return 0;
        }
        List<(long Start, long End)> written;
        using (XetTermLedger ledger = XetTermLedger.Open(target.XetLedgerPath, request.Xet!.XetHash, request.Size)) written = ledger.WrittenRanges();
        if (written.Count == 0) return 0;
        return parallel
            ? await ToChunkedPartialAsync(target, request, written, options, cancellationToken).ConfigureAwait(false)
            : ToPrefixPartial(target, written);
    }

    private static async Task<long> ToChunkedPartialAsync(TransferTarget target, TransferRequest request, List<(long Start, long End)> written,
        TransferOptions options, CancellationToken cancellationToken)
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
                for (long at = chunk.Offset; at < chunk.Offset + length;)
                {
                    int read = await RandomAccess.ReadAsync(file, buffer.AsMemory(0, (int)Math.Min(options.BufferSize, chunk.Offset + length - at)), at, cancellationToken)
                        .ConfigureAwait(false);
                    if (read == 0) throw new IOException($"'{target.XetPartialPath}' ended at byte {at}.");
                    checksum.Append(buffer.AsSpan(0, read));
                    at += read;
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
        if (kept == 0 || (File.Exists(target.ChunkedPartialPath) && stateFile.TryLoad(request.Etag, state.Plan) is { } earlier && earlier.BytesRecorded >= kept))
        {
            return 0;
        }
        // The sidecar first: killed before the move, a rerun finds the sidecar's chunks failing their checksums in whatever
        // partial is there, and fetches them.
        await stateFile.SaveAsync(state, cancellationToken).ConfigureAwait(false);
        CrashPoints.Reached(CrashPoints.XetHandoverRecorded);
        File.Move(target.XetPartialPath, target.ChunkedPartialPath, overwrite: true);
        CrashPoints.Reached(CrashPoints.XetHandedOver);
        return kept;
    }

    private static long ToPrefixPartial(TransferTarget target, List<(long Start, long End)> written)
    {
        long prefix = written[0].Start == 0 ? written[0].End : 0;
        var existing = new FileInfo(target.ResumablePartialPath);
        if (prefix == 0 || (existing.Exists && existing.Length >= prefix)) return 0;
        using (SafeFileHandle file = File.OpenHandle(target.XetPartialPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            RandomAccess.SetLength(file, prefix);
        }
        File.Move(target.XetPartialPath, target.ResumablePartialPath, overwrite: true);
        CrashPoints.Reached(CrashPoints.XetHandedOver);
        return prefix;
    }
}
