using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace HubClient.Xet;

/// <summary>
/// Fills terms of a download from chunks the cache already holds (<see cref="XetHeldChunks"/>) instead of fetching them.
/// A term is taken when every chunk of its range is held (from one blob or several, at chunk granularity, so a term that
/// is a sub-range of a held term or spans two held terms counts) and their sizes add up to its <c>unpacked_length</c>.
/// Each copied chunk is hashed and compared with the recorded chunk hash as it is copied: a damaged, replaced or
/// truncated source fails that comparison and its term is left to be fetched. The hashes also feed the file hash check.
/// </summary>
internal static class XetTermReuse
{
    /// <summary>
    /// Learns the unrecorded blobs worth learning (<see cref="XetBlobLearning"/>), then copies what the cache holds of the
    /// terms not yet <paramref name="done"/> into <paramref name="file"/>; returns the terms copied.
    /// </summary>
    public static async Task<List<(XetPlannedTerm Term, XetLedgerTerm Done)>> CopyHeldAsync(XetCasClient cas, XetFileRequest request, XetReuse reuse,
        XetReconstructionPlan plan, XetLedgerTerm?[] done, SafeFileHandle file, CancellationToken cancellationToken)
    {
        HashSet<string> needed = plan.Terms.Where(t => done[t.Index] is null).Select(t => t.Fetch.Xorb).ToHashSet(StringComparer.Ordinal);
        if (needed.Count == 0) return [];
        await XetBlobLearning.LearnAsync(cas, request, reuse.CacheDirectory, reuse.ExcludeBlobPath, cancellationToken).ConfigureAwait(false);
        XetHeldChunks held = XetHeldChunks.Build(reuse.CacheDirectory, needed, reuse.ExcludeBlobPath);
        return await CopyAsync(plan, done, held, file, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Copies what it can of the terms not yet <paramref name="done"/> into <paramref name="file"/>; returns them.</summary>
    public static async Task<List<(XetPlannedTerm Term, XetLedgerTerm Done)>> CopyAsync(
        XetReconstructionPlan plan, XetLedgerTerm?[] done, XetHeldChunks held, SafeFileHandle file, CancellationToken cancellationToken)
    {
        var copied = new List<(XetPlannedTerm, XetLedgerTerm)>();
        var sources = new Dictionary<string, SafeFileHandle?>(StringComparer.Ordinal);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(XetChunkHeader.MaxUncompressedLength);
        try
        {
            foreach (XetPlannedTerm term in plan.Terms)
            {
                if (done[term.Index] is not null || !TryLocate(term, held, out XetHeldChunk[]? chunks)) continue;
                var hashes = new List<XetChunkHash>(chunks.Length);
                long at = term.Offset;
                foreach (XetHeldChunk chunk in chunks)
                {
                    if (!sources.TryGetValue(chunk.BlobPath, out SafeFileHandle? source))
                    {
                        sources[chunk.BlobPath] = source = TryOpen(chunk.BlobPath);
                    }
                    if (source is null || !await PositionalRead.TryReadExactlyAsync(source, buffer.AsMemory(0, (int)chunk.Size), chunk.Offset, cancellationToken).ConfigureAwait(false))
                    {
                        break;
                    }
                    XetHash hash = XetHasher.ChunkHash(buffer.AsSpan(0, (int)chunk.Size));
                    if (hash != chunk.Hash) break; // Damaged or replaced since it was recorded: fetch this term.
                    await RandomAccess.WriteAsync(file, buffer.AsMemory(0, (int)chunk.Size), at, cancellationToken).ConfigureAwait(false);
                    hashes.Add(new XetChunkHash(hash, chunk.Size));
                    at += chunk.Size;
                }
                if (hashes.Count == chunks.Length) copied.Add((term, new XetLedgerTerm(term.Offset, term.Length, hashes)));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            foreach (SafeFileHandle? source in sources.Values) source?.Dispose();
        }
        return copied;
    }

    private static bool TryLocate(XetPlannedTerm term, XetHeldChunks held, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out XetHeldChunk[]? chunks)
    {
        chunks = new XetHeldChunk[term.ChunkEnd - term.ChunkStart];
        long total = 0;
        for (int i = 0; i < chunks.Length; i++)
        {
            if (!held.TryGet(term.Fetch.Xorb, term.ChunkStart + i, out chunks[i])) return false;
            total += chunks[i].Size;
        }
        return total == term.Length;
    }

    private static SafeFileHandle? TryOpen(string path)
    {
        try
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.Asynchronous);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
