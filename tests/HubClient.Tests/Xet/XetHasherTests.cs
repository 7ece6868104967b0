using System.Text;
using HubClient.Xet;

namespace HubClient.Tests.Xet;

/// <summary>The IETF draft's test vectors (draft-denis-xet, "Test Vectors") — computed by nobody here.</summary>
public class XetHasherTests
{
    [Fact]
    public void Chunk_hash_of_hello_world_matches_the_draft()
    {
        XetHash hash = XetHasher.ChunkHash(Encoding.ASCII.GetBytes("Hello World!"));

        Assert.Equal("a29cfb08e608d4d8726dd8659a90b9134b3240d5d8e42d5fcb28e2a6e763a3e8", Convert.ToHexStringLower(hash.ToBytes()));
        Assert.Equal("d8d408e608fb9ca213b9909a65d86d725f2de4d8d540324be8a363e7a6e228cb", hash.ToString());
    }

    [Fact]
    public void Hash_string_prints_each_word_as_a_little_endian_u64()
    {
        byte[] bytes = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];
        const string expected = "07060504030201000f0e0d0c0b0a090817161514131211101f1e1d1c1b1a1918";

        Assert.Equal(expected, new XetHash(bytes).ToString());
        Assert.Equal(bytes, XetHash.Parse(expected).ToBytes());
    }

    [Fact]
    public void Internal_node_hash_matches_the_draft()
    {
        XetChunkHash[] children =
        [
            new(XetHash.Parse("c28f58387a60d4aa200c311cda7c7f77f686614864f5869eadebf765d0a14a69"), 100),
            new(XetHash.Parse("6e4e3263e073ce2c0e78cc770c361e2778db3b054b98ab65e277fc084fa70f22"), 200),
        ];

        Assert.Equal("be64c7003ccd3cf4357364750e04c9592b3c36705dee76a71590c011766b6c14", XetHasher.InternalNodeHash(children).ToString());
        // Two leaves make one node: the root is that node.
        Assert.Equal("be64c7003ccd3cf4357364750e04c9592b3c36705dee76a71590c011766b6c14", XetHasher.MerkleRoot(children).ToString());
    }

    [Fact]
    public void Chunk_hashes_in_the_draft_vectors_are_the_string_forms_of_its_raw_bytes()
    {
        // The verification-hash vector gives the same two chunk hashes as raw bytes.
        Assert.Equal("c28f58387a60d4aa200c311cda7c7f77f686614864f5869eadebf765d0a14a69",
            new XetHash(Convert.FromHexString("aad4607a38588fc2777f7cda1c310c209e86f564486186f6694aa1d065f7ebad")).ToString());
    }

    [Fact]
    public void Empty_file_hash_is_zero()
    {
        Assert.Equal(new string('0', 64), XetHasher.FileHash([]).ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("xyz")]
    [InlineData("g8d408e608fb9ca213b9909a65d86d725f2de4d8d540324be8a363e7a6e228cb")]
    public void Invalid_hash_strings_are_refused(string text)
    {
        Assert.False(XetHash.TryParse(text, out _));
    }

    [Fact]
    public void Merkle_root_groups_at_most_nine_children_per_node()
    {
        // 100 leaves: whatever the cuts, the root differs from a flat hash of all of them and is deterministic.
        var leaves = Enumerable.Range(0, 100).Select(i => new XetChunkHash(XetHasher.ChunkHash(BitConverter.GetBytes(i)), 1000 + i)).ToList();

        XetHash root = XetHasher.MerkleRoot(leaves);

        Assert.Equal(root, XetHasher.MerkleRoot(leaves));
        Assert.NotEqual(XetHasher.InternalNodeHash(leaves.ToArray()), root);
    }

    /// <summary>
    /// The tree built one leaf at a time equals the tree built a whole level at a time, as hub-docs <c>hashing.md</c> states it
    /// (written here from the spec's text: cut after the first entry from the third on whose last word is divisible by 4, at
    /// most 9 children, the last two entries of a level together), for every leaf count up to 400 and a few larger ones.
    /// </summary>
    [Fact]
    public void The_streamed_tree_equals_the_level_by_level_tree_for_any_leaf_count()
    {
        var random = new Random(5);
        foreach (int count in Enumerable.Range(0, 401).Concat([1_000, 4_097, 20_000]))
        {
            var leaves = new List<XetChunkHash>(count);
            for (int i = 0; i < count; i++)
            {
                byte[] bytes = new byte[32];
                random.NextBytes(bytes);
                leaves.Add(new XetChunkHash(new XetHash(bytes), random.Next(1, 131_072)));
            }

            Assert.Equal(LevelByLevelRoot(leaves), XetHasher.MerkleRoot(leaves));
        }
    }

    private static XetHash LevelByLevelRoot(List<XetChunkHash> level)
    {
        if (level.Count == 0) return XetHash.Zero;
        while (level.Count > 1)
        {
            var next = new List<XetChunkHash>();
            for (int start = 0; start < level.Count;)
            {
                int remaining = level.Count - start, take = Math.Min(9, remaining);
                if (remaining <= 2) take = remaining;
                else
                {
                    for (int i = 2; i < Math.Min(9, remaining); i++)
                    {
                        if (System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(level[start + i].Hash.ToBytes().AsSpan(24)) % 4 == 0)
                        {
                            take = i + 1;
                            break;
                        }
                    }
                }
                XetChunkHash[] children = [.. level.Skip(start).Take(take)];
                next.Add(new XetChunkHash(XetHasher.InternalNodeHash(children), children.Sum(c => c.Size)));
                start += take;
            }
            level = next;
        }
        return level[0].Hash;
    }
}
