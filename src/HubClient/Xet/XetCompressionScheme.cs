namespace HubClient.Xet;

/// <summary>How a chunk's payload is stored in a xorb (hub-docs <c>docs/xet/xorb.md</c>).</summary>
internal enum XetCompressionScheme : byte
{
    /// <summary>The bytes as they are.</summary>
    None = 0,

    /// <summary>An LZ4 frame (the frame format, not raw blocks).</summary>
    Lz4 = 1,

    /// <summary>Bytes regrouped by index mod 4 ("byte grouping 4"), then an LZ4 frame.</summary>
    ByteGrouping4Lz4 = 2,
}
