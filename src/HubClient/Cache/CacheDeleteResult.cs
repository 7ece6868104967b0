namespace HubClient;

/// <summary>What <see cref="CacheDeletePlan.Execute"/> did.</summary>
public sealed class CacheDeleteResult
{
    internal CacheDeleteResult(IReadOnlyList<string> deleted, IReadOnlyDictionary<string, string> notDeleted, long bytesFreed)
    {
        Deleted = deleted;
        NotDeleted = notDeleted;
        BytesFreed = bytesFreed;
    }

    /// <summary>The paths removed, in the order removed.</summary>
    public IReadOnlyList<string> Deleted { get; }

    /// <summary>
    /// Paths of the plan that were kept, with the reason: a download is using it, a snapshot links to the blob again, it
    /// leads out of the cache through a symlink, or the file system refused. Paths already gone are not listed.
    /// </summary>
    public IReadOnlyDictionary<string, string> NotDeleted { get; }

    /// <summary>The bytes of what was removed.</summary>
    public long BytesFreed { get; }
}
