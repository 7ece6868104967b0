using HubClient.Xet;

namespace HubClient.Testing;

/// <summary>
/// The fake CAS's storage, shared by every file of every repo and revision: a global chunk index (chunk hash → xorb and
/// index) so a chunk is stored once, as Xet deduplicates. A file's layout is built on first use: its chunks not yet stored
/// are packed into new xorbs of <see cref="FakeHub.XetChunksPerXorb"/> chunks, and its terms are runs of consecutive
/// chunks of one xorb (at most <see cref="FakeHub.XetChunksPerTerm"/> each) — so a new version that changes a region
/// references the earlier version's xorb chunk ranges everywhere else (content-defined chunks realign after a change).
/// </summary>
internal sealed class FakeXetStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, FakeXetFile> _layouts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FakeXorb> _xorbs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (FakeXorb Xorb, int Index)> _chunks = new(StringComparer.Ordinal);
    private long _stored;

    /// <summary>The layout of <paramref name="file"/>'s content (files with the same Xet hash share one).</summary>
    public FakeXetFile LayoutOf(FakeFile file, int chunksPerXorb, int chunksPerTerm)
    {
        lock (_lock)
        {
            if (_layouts.TryGetValue(file.XetHash!, out FakeXetFile? layout)) return layout;
            IReadOnlyList<(int Offset, int Length)> chunks = file.XetChunks!;
            IReadOnlyList<XetChunkHash> hashes = file.XetChunkHashes!;
            var fresh = new List<(int Offset, int Length)>();
            var freshHashes = new List<string>();
            var pending = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < chunks.Count; i++)
            {
                string hash = hashes[i].Hash.ToString();
                if (!_chunks.ContainsKey(hash) && pending.Add(hash))
                {
                    fresh.Add(chunks[i]);
                    freshHashes.Add(hash);
                }
            }
            for (int first = 0; first < fresh.Count; first += chunksPerXorb)
            {
                int count = Math.Min(chunksPerXorb, fresh.Count - first);
                FakeXorb xorb = FakeXorb.Build(file.Content, fresh.GetRange(first, count), (int)(_stored % 3));
                _stored += count;
                _xorbs[xorb.Hash] = xorb;
                for (int i = 0; i < count; i++) _chunks[freshHashes[first + i]] = (xorb, i);
            }

            var terms = new List<FakeXetTerm>();
            long fileOffset = 0;
            FakeXorb? current = null;
            int start = 0, end = 0;
            long length = 0;
            for (int i = 0; i < chunks.Count; i++)
            {
                (FakeXorb xorb, int index) = _chunks[hashes[i].Hash.ToString()];
                if (current is not null && (xorb != current || index != end || end - start >= chunksPerTerm))
                {
                    terms.Add(new FakeXetTerm(current, start, end, fileOffset, length));
                    fileOffset += length;
                    current = null;
                }
                if (current is null)
                {
                    (current, start, end, length) = (xorb, index, index, 0);
                }
                end++;
                length += chunks[i].Length;
            }
            if (current is not null) terms.Add(new FakeXetTerm(current, start, end, fileOffset, length));
            return _layouts[file.XetHash!] = new FakeXetFile([.. terms.Select(t => t.Xorb).Distinct()], terms);
        }
    }

    /// <summary>A stored xorb by hash, or null.</summary>
    public FakeXorb? Xorb(string hash)
    {
        lock (_lock) return _xorbs.GetValueOrDefault(hash);
    }
}
