using System.Buffers;
using System.IO.Hashing;
using Microsoft.Win32.SafeHandles;

namespace HubClient;

/// <summary>
/// Before a parallel download continues, re-reads every chunk its sidecar lists as complete and checks the bytes against
/// the recorded XxHash3: a chunk damaged on disk (or never flushed before a power loss) is marked missing and fetched
/// again. Chunks that extend the hashed prefix are fed to the content hash in the same read, so the common resume (a
/// complete prefix) reads its bytes once.
/// </summary>
internal static class ResumedChunkValidator
{
    /// <summary>Validates the completed chunks of <paramref name="state"/>; returns how many failed and were dropped.</summary>
    public static async Task<int> ValidateAsync(
        SafeFileHandle file, ChunkState state, OrderedChunkHasher hasher, int bufferSize, CancellationToken cancellationToken)
    {
        ChunkPlan plan = state.Plan;
        int failed = 0;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
        var xxhash = new XxHash3();
        try
        {
            for (int i = 0; i < plan.Count; i++)
            {
                if (state.Checksum(i) is not { } expected) continue;
                FileChunk chunk = plan[i];
                bool inline = hasher.CanAppendInline(i);
                xxhash.Reset();
                long offset = chunk.Offset;
                bool truncated = false;
                while (offset < chunk.End)
                {
                    int want = (int)Math.Min(bufferSize, chunk.End - offset);
                    int read = await RandomAccess.ReadAsync(file, buffer.AsMemory(0, want), offset, cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        truncated = true;
                        break;
                    }
                    xxhash.Append(buffer.AsSpan(0, read));
                    if (inline) hasher.AppendInline(buffer.AsSpan(0, read));
                    offset += read;
                }

                if (!truncated && xxhash.GetCurrentHashAsUInt64() == expected)
                {
                    if (inline) hasher.CommitInline(i);
                    else hasher.MarkComplete(i);
                    continue;
                }
                failed++;
                state.MarkMissing(i);
                if (inline) hasher.ResetInline();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return failed;
    }
}
