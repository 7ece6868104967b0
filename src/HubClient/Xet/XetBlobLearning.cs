namespace HubClient.Xet;

/// <summary>
/// Learns the reconstruction of held Xet blobs that have no <see cref="XetBlobRecord"/> — written by huggingface_hub, or
/// before records existed — so a delta can use them too. Candidates are the blobs the same path links to in the repo's
/// other snapshots (the likeliest to share chunks; reading every blob of the cache would cost more than it saves). For
/// each: the blob is chunked (content-defined, <see cref="XetChunker"/>) and hashed, which gives its Xet file hash and
/// its chunk hashes in one pass; the CAS's reconstruction of that hash says which xorb chunk ranges the chunks are; the
/// chunk sizes must add up to every term's <c>unpacked_length</c>. The record is then written, so this happens once per
/// blob. Anything that does not fit (a CAS that does not know the hash, a damaged blob) just leaves the blob out.
/// </summary>
internal static class XetBlobLearning
{
    /// <summary>Blobs smaller than this are not worth a reconstruction request.</summary>
    private const long MinSize = 1024 * 1024;

    /// <summary>Writes records for the unrecorded blobs of <paramref name="request"/>'s path in other snapshots; returns how many.</summary>
    public static async Task<int> LearnAsync(XetCasClient cas, XetFileRequest request, string cacheDirectory, string? ownBlobPath, CancellationToken cancellationToken)
    {
        var layout = new RepoCacheLayout(cacheDirectory, request.RepoType, request.RepoId);
        int count = 0;
        foreach (string blob in CandidateBlobs(layout, request.Path, ownBlobPath))
        {
            string recordPath = XetBlobRecords.PathFor(layout.RepoDirectory, Path.GetFileName(blob));
            if (File.Exists(recordPath)) continue;
            try
            {
                if (await LearnOneAsync(cas, request, blob, cancellationToken).ConfigureAwait(false) is { } learned
                    && XetBlobRecords.TryWrite(recordPath, learned.XetHash, learned.Size, Path.GetFileName(blob), learned.Terms))
                {
                    count++;
                }
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is IOException or UnauthorizedAccessException or HubException or XetUnavailableException or HttpRequestException)
            {
                // Not learnable now (the CAS does not know that hash — a damaged blob —, or cannot answer): the download goes on without it.
            }
        }
        return count;
    }

    private static IEnumerable<string> CandidateBlobs(RepoCacheLayout layout, string repoPath, string? ownBlobPath)
    {
        string snapshots = Path.Combine(layout.RepoDirectory, "snapshots");
        if (!Directory.Exists(snapshots)) yield break;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (ownBlobPath is not null) seen.Add(Path.GetFullPath(ownBlobPath));
        foreach (string snapshot in Directory.EnumerateDirectories(snapshots))
        {
            var entry = new FileInfo(Path.Combine([snapshot, .. repoPath.Split('/')]));
            if (entry.LinkTarget is null) continue; // Absent, or a copy (no blob to name the record after).
            // The repo's blob (itself maybe a link into a shared store): the record is named by its etag in this repo.
            if (entry.ResolveLinkTarget(returnFinalTarget: false) is not FileInfo blob
                || !string.Equals(Path.GetDirectoryName(Path.GetFullPath(blob.FullName)), Path.GetFullPath(layout.BlobsDirectory), StringComparison.Ordinal)
                || !RepoCacheLayout.IsBlob(blob.Name) || !seen.Add(Path.GetFullPath(blob.FullName)))
            {
                continue;
            }
            if ((blob.ResolveLinkTarget(returnFinalTarget: true) ?? blob) is not FileInfo { Exists: true } payload || payload.Length < MinSize) continue;
            yield return Path.GetFullPath(blob.FullName);
        }
    }

    private static async Task<(string XetHash, long Size, List<(XetPlannedTerm, XetLedgerTerm)> Terms)?> LearnOneAsync(XetCasClient cas, XetFileRequest request, string blobPath, CancellationToken cancellationToken)
    {
        (List<XetChunkHash> chunks, long size) = await ChunkAsync(blobPath, cancellationToken).ConfigureAwait(false);
        string xetHash = XetHasher.FileHash(chunks).ToString();
        XetReconstructionPlan plan = await cas.GetReconstructionAsync(request with { XetHash = xetHash, Size = size }, cancellationToken).ConfigureAwait(false);
        var terms = new List<(XetPlannedTerm, XetLedgerTerm)>();
        int next = 0;
        foreach (XetPlannedTerm term in plan.Terms)
        {
            int count = term.ChunkEnd - term.ChunkStart;
            if (next + count > chunks.Count) return null;
            List<XetChunkHash> own = chunks.GetRange(next, count);
            if (own.Sum(c => c.Size) != term.Length) return null; // The CAS chunks it otherwise: nothing to learn.
            terms.Add((term, new XetLedgerTerm(term.Offset, term.Length, own)));
            next += count;
        }
        return next == chunks.Count ? (xetHash, size, terms) : null;
    }

    /// <summary>The content-defined chunks of a file with their Xet chunk hashes, read in one streaming pass.</summary>
    private static async Task<(List<XetChunkHash> Chunks, long Size)> ChunkAsync(string path, CancellationToken cancellationToken)
    {
        var chunks = new List<XetChunkHash>();
        byte[] buffer = new byte[4 * XetChunker.MaxChunk];
        long size = 0;
        int filled = 0, start = 0;
        bool end = false;
        FileStream stream = new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            while (true)
            {
                if (!end && filled - start < XetChunker.MaxChunk)
                {
                    Buffer.BlockCopy(buffer, start, buffer, 0, filled - start);
                    filled -= start;
                    start = 0;
                    while (filled < buffer.Length)
                    {
                        int n = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                        if (n == 0)
                        {
                            end = true;
                            break;
                        }
                        filled += n;
                    }
                }
                if (start == filled) break;
                int length = XetChunker.NextLength(buffer.AsSpan(start, filled - start));
                chunks.Add(new XetChunkHash(XetHasher.ChunkHash(buffer.AsSpan(start, length)), length));
                start += length;
                size += length;
            }
        }
        return (chunks, size);
    }
}
