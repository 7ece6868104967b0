using HubClient.Xet;

namespace HubClient.Tests.Xet;

/// <summary>
/// A reconstruction is checked before anything is fetched: terms must tile the file exactly, with no arithmetic that a
/// hostile answer could wrap round (hub-docs <c>docs/xet/download-protocol.md</c>).
/// </summary>
public sealed class XetReconstructionPlanTests
{
    private static readonly string Xorb = new('a', 64);

    [Fact]
    public void Terms_that_tile_the_file_give_each_its_offset()
    {
        XetReconstructionPlan plan = XetReconstructionPlan.FromV2(V2((0, 2, 300), (2, 3, 700)), size: 1000);

        Assert.Equal([0L, 300L], plan.Terms.Select(t => t.Offset));
        Assert.Single(plan.Fetches);
    }

    [Fact]
    public void Terms_whose_lengths_wrap_round_a_long_to_the_files_size_are_malformed()
    {
        // 2^17 terms of 2^47 bytes (2^30 chunks of at most 128 KiB each, so each term alone is plausible) add up to 2^64:
        // 0 in unchecked arithmetic. One more term of the file's size would make the total "match".
        var terms = Enumerable.Repeat((0L, 1L << 30, 1L << 47), 131_072).Append((0L, 1L, 1000L)).ToArray();

        var e = Assert.Throws<XetUnavailableException>(() => XetReconstructionPlan.FromV2(V2(terms), size: 1000));

        Assert.Contains("ends past the file's 1000 bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_term_ending_past_the_file_or_a_chunk_index_past_int_range_is_malformed()
    {
        Assert.Throws<XetUnavailableException>(() => XetReconstructionPlan.FromV2(V2((0, 2, 600), (2, 3, 600)), size: 1000));
        Assert.Throws<XetUnavailableException>(() => XetReconstructionPlan.FromV2(V2((0, 1L << 40, 1000)), size: 1000));
    }

    /// <summary>A v2 answer with <paramref name="terms"/> (chunk range, unpacked length) in one xorb, one signed range covering chunks [0, 2^31 - 1).</summary>
    private static XetReconstructionV2 V2(params (long Start, long End, long Length)[] terms)
    {
        var v2 = new XetReconstructionV2
        {
            Xorbs = new()
            {
                [Xorb] =
                [
                    new XetMultiRangeFetch
                    {
                        Url = "https://cas.example/xorbs/a",
                        Ranges = [new XetFetchRange { Chunks = new() { Start = 0, End = int.MaxValue }, Bytes = new() { Start = 0, End = 99 } }],
                    },
                ],
            },
        };
        foreach ((long start, long end, long length) in terms)
        {
            v2.Terms.Add(new XetReconstructionTerm { Hash = Xorb, UnpackedLength = length, Range = new() { Start = start, End = end } });
        }
        return v2;
    }
}
