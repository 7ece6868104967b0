namespace HubClient;

/// <summary>
/// Bytes [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="length"/>) of a file are on disk;
/// <paramref name="bytes"/> is either empty or those very bytes, still in memory (so that a hasher can take them from
/// there rather than read them back).
/// </summary>
internal delegate void WrittenRange(long offset, long length, ReadOnlySpan<byte> bytes);
