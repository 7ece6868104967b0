namespace HubClient.Xet;

/// <summary>
/// The "byte grouping 4" transform of xorb chunks: all bytes at index 0 mod 4, then 1 mod 4, 2 mod 4, 3 mod 4 (groups of
/// lengths n/4 rounded up for the first n mod 4 groups). Helps LZ4 on arrays of 4-byte floats.
/// </summary>
internal static class ByteGrouping4
{
    public static void Group(ReadOnlySpan<byte> data, Span<byte> grouped)
    {
        int at = 0;
        for (int lane = 0; lane < 4; lane++)
        {
            for (int i = lane; i < data.Length; i += 4) grouped[at++] = data[i];
        }
    }

    public static void Ungroup(ReadOnlySpan<byte> grouped, Span<byte> data)
    {
        int at = 0;
        for (int lane = 0; lane < 4; lane++)
        {
            for (int i = lane; i < data.Length; i += 4) data[i] = grouped[at++];
        }
    }
}
