namespace HubClient.Xet;

/// <summary>
/// Where a Xet download may copy chunks from instead of fetching them: the Xet blobs held in <paramref name="CacheDirectory"/>
/// (<see cref="XetHeldChunks"/>), except the download's own target <paramref name="ExcludeBlobPath"/>.
/// <paramref name="BytesReused"/> receives increments of file bytes copied (the downloader's
/// bytes-written callback counts only bytes fetched or resumed), and minus them when copied terms had to be fetched after all.
/// </summary>
internal sealed record XetReuse(string CacheDirectory, string? ExcludeBlobPath, Action<long>? BytesReused);
