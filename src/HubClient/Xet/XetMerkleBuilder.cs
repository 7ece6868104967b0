using System.Runtime.InteropServices;

namespace HubClient.Xet;

/// <summary>
/// The aggregation tree's root over (hash, size) leaves given one at a time, in order: each level keeps only the entries
/// whose node is not decided yet (at most 9), so memory is O(log n) whatever the number of leaves, and a file's hash needs
/// no list of its chunk hashes. Same tree as xet-core's <c>merklehash/aggregated_hashes.rs</c> builds level by level: a
/// node closes as soon as its cut is known (<see cref="XetHasher.DecidedCut"/>); the end of each level is cut as a whole
/// level would be (<see cref="XetHasher.NextCut"/>).
/// </summary>
internal sealed class XetMerkleBuilder
{
    private readonly List<Level> _levels = [];
    private bool _ended;

    /// <summary>How many leaves were added.</summary>
    public long Count => _levels.Count == 0 ? 0 : _levels[0].Count;

    public void Add(XetChunkHash leaf)
    {
        if (_ended) throw new InvalidOperationException("The tree's root was taken: it takes no more leaves.");
        Push(0, leaf);
    }

    /// <summary>The root (the zero hash when no leaf was added). Ends the tree: no leaf can be added after it.</summary>
    public XetHash Root()
    {
        _ended = true;
        for (int height = 0; height < _levels.Count; height++)
        {
            Level level = _levels[height];
            // A level of one entry is the root; a level that ever closed a node has had at least three.
            if (level.Count == 1) return level.Open[0].Hash;
            while (level.Open.Count > 0)
            {
                int take = XetHasher.NextCut(CollectionsMarshal.AsSpan(level.Open));
                Close(height, take);
            }
        }
        return XetHash.Zero;
    }

    /// <summary>The hash of the file these leaves are the chunks of (the zero hash for none). Ends the tree.</summary>
    public XetHash FileHash() => Count == 0 ? XetHash.Zero : XetHasher.FileHashOfRoot(Root());

    private void Push(int height, XetChunkHash entry)
    {
        if (height == _levels.Count) _levels.Add(new Level());
        Level level = _levels[height];
        level.Open.Add(entry);
        level.Count++;
        int take;
        while ((take = XetHasher.DecidedCut(CollectionsMarshal.AsSpan(level.Open))) > 0) Close(height, take);
    }

    /// <summary>Makes the first <paramref name="take"/> open entries of a level one node of the level above.</summary>
    private void Close(int height, int take)
    {
        List<XetChunkHash> open = _levels[height].Open;
        ReadOnlySpan<XetChunkHash> children = CollectionsMarshal.AsSpan(open)[..take];
        long size = 0;
        foreach (XetChunkHash child in children) size += child.Size;
        var node = new XetChunkHash(XetHasher.InternalNodeHash(children), size);
        open.RemoveRange(0, take);
        Push(height + 1, node);
    }

    private sealed class Level
    {
        public List<XetChunkHash> Open { get; } = new(9);

        public long Count { get; set; }
    }
}
