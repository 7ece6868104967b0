namespace HubClient.Xet;

/// <summary>
/// The xorb chunks the cache already holds, found through the <see cref="XetBlobRecord"/>s of its Xet blobs (any repo,
/// any revision): (xorb hash, chunk index) → where the chunk's bytes are in which blob, and their chunk hash. Only the
/// xorbs a download needs are indexed, and only the records whose xorb list shares one are read. A record whose blob is
/// missing or of another size is skipped.
/// </summary>
internal sealed class XetHeldChunks
{
    private readonly Dictionary<(string Xorb, int Index), XetHeldChunk> _chunks = [];

    public int Count => _chunks.Count;

    /// <summary>Indexes the chunks of <paramref name="xorbs"/> held in <paramref name="cacheDirectory"/>, except in <paramref name="excludeBlobPath"/>.</summary>
    public static XetHeldChunks Build(string cacheDirectory, IReadOnlySet<string> xorbs, string? excludeBlobPath)
    {
        var held = new XetHeldChunks();
        string? excluded = excludeBlobPath is null ? null : Path.GetFullPath(excludeBlobPath);
        foreach ((string recordPath, string blobPath) in XetBlobRecords.Enumerate(cacheDirectory))
        {
            if (excluded is not null && string.Equals(Path.GetFullPath(blobPath), excluded, StringComparison.Ordinal)) continue;
            // A missing blob may be mid-publish in another process (moved into the shared store, its link not yet in
            // place): skip the record, never delete it here; deleting the blob's revision deletes it (CacheDeletePlanner).
            if (!File.Exists(blobPath)) continue;
            HashSet<string>? listed = XetBlobRecords.TryReadXorbList(recordPath);
            if (listed is not null && !listed.Overlaps(xorbs)) continue;
            if (XetBlobRecords.TryRead(recordPath) is not { } record) continue;
            if (listed is null) XetBlobRecords.TryWriteXorbList(recordPath, record.Terms.Select(t => t.Xorb)); // A record written before lists were.
            held.Add(record, blobPath, xorbs);
        }
        return held;
    }

    /// <summary>Adds the chunks of <paramref name="xorbs"/> that <paramref name="record"/> places in <paramref name="blobPath"/>.</summary>
    public void Add(XetBlobRecord record, string blobPath, IReadOnlySet<string> xorbs)
    {
        // Through the link of a shared-store blob: FileInfo.Length would be the link's own length.
        if (!EntryPresence.IsPresent(blobPath, record.Size)) return;
        foreach (XetBlobRecordTerm term in record.Terms)
        {
            if (!xorbs.Contains(term.Xorb)) continue;
            long offset = term.Offset;
            for (int i = 0; i < term.ChunkHashes.Count; i++)
            {
                _chunks.TryAdd((term.Xorb, term.ChunkStart + i), new XetHeldChunk(blobPath, offset, term.ChunkSizes[i], term.ChunkHashes[i]));
                offset += term.ChunkSizes[i];
            }
        }
    }

    public bool TryGet(string xorb, int index, out XetHeldChunk chunk) => _chunks.TryGetValue((xorb, index), out chunk);
}

/// <summary>A held chunk: bytes [Offset, Offset + Size) of the blob at <see cref="BlobPath"/>, expected to hash to <see cref="Hash"/>.</summary>
internal readonly record struct XetHeldChunk(string BlobPath, long Offset, long Size, XetHash Hash);
