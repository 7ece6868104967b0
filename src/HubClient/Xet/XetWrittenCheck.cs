using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace HubClient.Xet;

/// <summary>
/// Checks that bytes a ledger says were written are on disk as written: each recorded chunk is read back and hashed again.
/// The ledger is appended to without fsync, so after a power loss it can claim chunks whose bytes never reached the disk,
/// and its chunk hashes (computed from the bytes in memory) would then vouch for zeros in the Xet file hash.
/// </summary>
internal static class XetWrittenCheck
{
    /// <summary>
    /// The longest leading part of <paramref name="written"/> whose chunks hash on disk to what the ledger recorded (all of
    /// it, a prefix, or null when its first chunk already differs). Each part found good is handed to
    /// <paramref name="verified"/> with its bytes as it is read, so that the etag's hash can take them from this read
    /// rather than read them again (<see cref="WrittenPrefixHasher"/>).
    /// </summary>
    public static async Task<XetLedgerTerm?> OnDiskPrefixAsync(SafeFileHandle file, XetLedgerTerm written, WrittenRange? verified,
        CancellationToken cancellationToken)
    {
        // Read in blocks of whole chunks (about 1 MiB), each chunk then hashed from the block.
        const int BlockSize = 1024 * 1024;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BlockSize + XetChunkHeader.MaxUncompressedLength);
        try
        {
            long offset = written.Offset;
            int good = 0;
            while (good < written.Chunks.Count)
            {
                int count = 0;
                long blockLength = 0;
                while (good + count < written.Chunks.Count && (count == 0 || blockLength + written.Chunks[good + count].Size <= BlockSize))
                {
                    blockLength += written.Chunks[good + count].Size;
                    count++;
                }
                if (!await PositionalRead.TryReadExactlyAsync(file, buffer.AsMemory(0, (int)blockLength), offset, cancellationToken).ConfigureAwait(false))
                {
                    return Prefix(written, good, offset);
                }
                int at = 0;
                for (int i = 0; i < count; i++)
                {
                    XetChunkHash chunk = written.Chunks[good];
                    if (XetHasher.ChunkHash(buffer.AsSpan(at, (int)chunk.Size)) != chunk.Hash)
                    {
                        verified?.Invoke(offset - at, at, buffer.AsSpan(0, at));
                        return Prefix(written, good, offset);
                    }
                    at += (int)chunk.Size;
                    offset += chunk.Size;
                    good++;
                }
                verified?.Invoke(offset - at, at, buffer.AsSpan(0, at));
            }
            return written;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static XetLedgerTerm? Prefix(XetLedgerTerm written, int chunks, long end) =>
        chunks == 0 ? null : new XetLedgerTerm(written.Offset, end - written.Offset, [.. written.Chunks.Take(chunks)]);
}
