namespace HubClient.Xet;

/// <summary>A chunk's (or subtree's) hash with the number of bytes it covers: a leaf or node of the aggregation tree.</summary>
internal readonly record struct XetChunkHash(XetHash Hash, long Size);
