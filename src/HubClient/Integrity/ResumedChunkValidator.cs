using System.Buffers;
using System.IO.Hashing;
using Microsoft.Win32.SafeHandles;

namespace HubClient;

/// <summary>
/// Before a parallel download continues, re-reads every chunk its sidecar lists as complete and checks the bytes against
/// the recorded XxHash3: a chunk damaged on disk (or never flushed before a power loss) is marked missing and fetched
/// again. Chunks that extend the hashed prefix are fed to the content hash in the same read, so the common resume (a
/// complete prefix) reads its bytes once. The first bytes of unfinished chunks (<see cref="ChunkState.Partial"/>) are
/// checked the same way; those that match are handed back with their checksum state, so their fetch continues after them.
/// </summary>
internal static class ResumedChunkValidator
{
    /// <summary>
    /// Validates the completed and partial chunks of <paramref name="state"/>; returns how many failed and were dropped.
    /// <paramref name="partialChecksums"/> receives, per partial chunk that matched, an XxHash3 that has seen its bytes.
    /// </summary>
    public static async Task<int> ValidateAsync(SafeFileHandle file, ChunkState state, OrderedChunkHasher hasher, int bufferSize,
        IDictionary<int, XxHash3> partialChecksums, CancellationToken cancellationToken)
    {
        ChunkPlan plan = state.Plan;
        int failed = 0;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
        try
        {
            for (int i = 0; i < plan.Count; i++)
            {
                FileChunk chunk = plan[i];
                if (state.Partial(i) is { } partial)
                {
                    var prefix = new XxHash3();
                    if (await ChecksumAsync(file, chunk.Offset, partial.Length, prefix, inline: null, buffer, bufferSize, cancellationToken).ConfigureAwait(false)
                        && prefix.GetCurrentHashAsUInt64() == partial.Checksum)
                    {
                        partialChecksums[i] = prefix;
                    }
                    else
                    {
                        failed++;
                        state.MarkMissing(i);
                    }
                    continue;
                }
                if (state.Checksum(i) is not { } expected) continue;
                OrderedChunkHasher? inline = hasher.CanAppendInline(i) ? hasher : null;
                var xxhash = new XxHash3();
                if (await ChecksumAsync(file, chunk.Offset, chunk.Length, xxhash, inline, buffer, bufferSize, cancellationToken).ConfigureAwait(false)
                    && xxhash.GetCurrentHashAsUInt64() == expected)
                {
                    if (inline is not null) inline.CommitInline(i);
                    else hasher.MarkComplete(i);
                    continue;
                }
                failed++;
                state.MarkMissing(i);
                inline?.ResetInline();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return failed;
    }

    /// <summary>
    /// Feeds bytes <c>[offset, offset + length)</c> of the file to <paramref name="checksum"/> (and to <paramref name="inline"/>,
    /// the content hash, when the bytes extend its prefix); false when the file ends first.
    /// </summary>
    internal static async Task<bool> ChecksumAsync(SafeFileHandle file, long offset, long length, XxHash3 checksum, OrderedChunkHasher? inline,
        byte[] buffer, int bufferSize, CancellationToken cancellationToken)
    {
        long end = offset + length;
        while (offset < end)
        {
            int read = await RandomAccess.ReadAsync(file, buffer.AsMemory(0, (int)Math.Min(bufferSize, end - offset)), offset, cancellationToken).ConfigureAwait(false);
            if (read == 0) return false;
            checksum.Append(buffer.AsSpan(0, read));
            inline?.AppendInline(buffer.AsSpan(0, read));
            offset += read;
        }
        return true;
    }
}
