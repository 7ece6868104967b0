using System.Globalization;
using System.Text;
using Blake3;

namespace HubClient.Xet;

/// <summary>
/// The Xet hash functions (BLAKE3 keyed): chunk hashes, the merkle aggregation over (hash, size) pairs with xet-core's
/// variable fan-out, xorb hashes and file hashes. Keys and rules: hub-docs <c>docs/xet/hashing.md</c>, xet-core
/// <c>merklehash/aggregated_hashes.rs</c>, draft-denis-xet (test vectors in <c>XetHasherTests</c>).
/// </summary>
internal static class XetHasher
{
    private static ReadOnlySpan<byte> DataKey =>
    [
        102, 151, 245, 119, 91, 149, 80, 222, 49, 53, 203, 172, 165, 151, 24, 28,
        157, 228, 33, 16, 155, 235, 43, 88, 180, 208, 176, 75, 147, 173, 242, 41,
    ];

    private static ReadOnlySpan<byte> InternalNodeKey =>
    [
        1, 126, 197, 199, 165, 71, 41, 150, 253, 148, 102, 102, 180, 138, 2, 230,
        93, 221, 83, 111, 55, 199, 109, 210, 248, 99, 82, 230, 74, 83, 113, 63,
    ];

    /// <summary>Mean fan-out of the aggregation tree: a node closes after a child whose last word is divisible by it.</summary>
    private const int MeanBranchingFactor = 4;

    /// <summary>At most 2 × mean + 1 children per node.</summary>
    private const int MaxChildren = 2 * MeanBranchingFactor + 1;

    /// <summary>The hash of one chunk's bytes (keyed with the data key).</summary>
    public static XetHash ChunkHash(ReadOnlySpan<byte> chunk) => Keyed(DataKey, chunk);

    /// <summary>An internal node: keyed hash over the lines <c>"{hash string} : {size}\n"</c> of its children.</summary>
    public static XetHash InternalNodeHash(ReadOnlySpan<XetChunkHash> children)
    {
        var text = new StringBuilder(children.Length * 88);
        foreach (XetChunkHash child in children)
        {
            text.Append(child.Hash.ToString()).Append(" : ").Append(child.Size.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        return Keyed(InternalNodeKey, Encoding.ASCII.GetBytes(text.ToString()));
    }

    /// <summary>The root of the aggregation tree over <paramref name="leaves"/>; the zero hash when there are none.</summary>
    public static XetHash MerkleRoot(IEnumerable<XetChunkHash> leaves) => TreeOf(leaves).Root();

    /// <summary>A xorb's hash: the aggregation root over its chunks.</summary>
    public static XetHash XorbHash(IEnumerable<XetChunkHash> chunks) => MerkleRoot(chunks);

    /// <summary>A file's hash: the aggregation root over its chunks, hashed again with an all-zero key; zero for an empty file.</summary>
    public static XetHash FileHash(IEnumerable<XetChunkHash> chunks) => TreeOf(chunks).FileHash();

    private static XetMerkleBuilder TreeOf(IEnumerable<XetChunkHash> leaves)
    {
        var tree = new XetMerkleBuilder();
        foreach (XetChunkHash leaf in leaves) tree.Add(leaf);
        return tree;
    }

    /// <summary>A (non-empty) file's hash from the aggregation root over its chunks.</summary>
    internal static XetHash FileHashOfRoot(XetHash root)
    {
        Span<byte> bytes = stackalloc byte[XetHash.Size];
        root.CopyTo(bytes);
        return Keyed(stackalloc byte[XetHash.Size], bytes);
    }

    /// <summary>
    /// How many of <paramref name="entries"/> the next node takes while more entries of the level may follow, or 0 when that
    /// is not decided yet. Whenever it is not 0 it equals <see cref="NextCut"/>: a cut after entry i depends only on the
    /// entries up to i, and the "last two entries" rule only applies at the end of a level.
    /// </summary>
    internal static int DecidedCut(ReadOnlySpan<XetChunkHash> entries)
    {
        if (entries.Length <= 2) return 0;
        int cut = CutAfterMarker(entries);
        return cut > 0 ? cut : entries.Length >= MaxChildren ? MaxChildren : 0;
    }

    /// <summary>How many of <paramref name="entries"/> the next node takes (xet-core's <c>next_merge_cut</c>).</summary>
    internal static int NextCut(ReadOnlySpan<XetChunkHash> entries)
    {
        if (entries.Length <= 2) return entries.Length;
        int cut = CutAfterMarker(entries);
        return cut > 0 ? cut : Math.Min(MaxChildren, entries.Length);
    }

    /// <summary>One past the first entry from the third on (within the first nine) whose last word is divisible by the mean fan-out; 0 when none is.</summary>
    private static int CutAfterMarker(ReadOnlySpan<XetChunkHash> entries)
    {
        int end = Math.Min(MaxChildren, entries.Length);
        for (int i = 2; i < end; i++)
        {
            if (entries[i].Hash.LastWord % MeanBranchingFactor == 0) return i + 1;
        }
        return 0;
    }

    private static XetHash Keyed(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data)
    {
        using Hasher hasher = Hasher.NewKeyed(key);
        hasher.Update(data);
        Span<byte> output = stackalloc byte[XetHash.Size];
        hasher.Finalize(output);
        return new XetHash(output);
    }
}
