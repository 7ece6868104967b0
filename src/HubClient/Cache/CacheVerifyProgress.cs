namespace HubClient;

/// <summary>Progress of <see cref="HubCache.VerifyAsync"/>.</summary>
/// <param name="CurrentBlob">The blob being hashed, or null before the first and after the last.</param>
/// <param name="BlobsDone">Blobs fully hashed so far.</param>
/// <param name="BlobsTotal">Blobs to hash.</param>
/// <param name="BytesDone">Bytes hashed so far.</param>
/// <param name="BytesTotal">Bytes to hash.</param>
public readonly record struct CacheVerifyProgress(string? CurrentBlob, int BlobsDone, int BlobsTotal, long BytesDone, long BytesTotal);
