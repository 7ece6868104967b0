namespace HubClient;

/// <summary>What <see cref="HubCache.VerifyAsync"/> does with a blob whose bytes do not hash to its name.</summary>
public enum CorruptBlobAction
{
    /// <summary>Only report it; the cache is not written.</summary>
    Report,

    /// <summary>
    /// Rename it to <c>{etag}.corrupt-{time}</c> (outside the blob naming scheme, kept for inspection until
    /// <see cref="HubCacheInfo.Prune"/>) and remove the snapshot links to it, so the next download fetches it again.
    /// </summary>
    MoveAside,

    /// <summary>Delete it and the snapshot links to it, so the next download fetches it again.</summary>
    Delete,
}
