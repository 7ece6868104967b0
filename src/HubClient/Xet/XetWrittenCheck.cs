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
    /// it, a prefix, or null when its first chunk already differs).
    /// </summary>
    public static async Task<XetLedgerTerm?> OnDiskPrefixAsync(SafeFileHandle file, XetLedgerTerm written, CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(XetChunkHeader.MaxUncompressedLength);
        try
        {
            long offset = written.Offset;
            int good = 0;
            for (; good < written.Chunks.Count; good++)
            {
                XetChunkHash chunk = written.Chunks[good];
                Memory<byte> bytes = buffer.AsMemory(0, (int)chunk.Size);
                int read = 0;
                while (read < bytes.Length)
                {
                    int n = await RandomAccess.ReadAsync(file, bytes[read..], offset + read, cancellationToken).ConfigureAwait(false);
                    if (n == 0) break;
                    read += n;
                }
                if (read < bytes.Length || XetHasher.ChunkHash(bytes.Span) != chunk.Hash) break;
                offset += chunk.Size;
            }
            if (good == written.Chunks.Count) return written;
            return good == 0 ? null : new XetLedgerTerm(written.Offset, offset - written.Offset, [.. written.Chunks.Take(good)]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
