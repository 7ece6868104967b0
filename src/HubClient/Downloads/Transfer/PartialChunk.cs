namespace HubClient;

/// <summary>
/// The first <paramref name="Length"/> bytes of a chunk a stopped parallel download left unfinished (on disk, in the
/// partial) and their XxHash3: a later run checks them and fetches only the rest of the chunk.
/// </summary>
internal readonly record struct PartialChunk(long Length, ulong Checksum);
