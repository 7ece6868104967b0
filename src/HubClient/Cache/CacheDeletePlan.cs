namespace HubClient;

/// <summary>
/// A deletion that has been planned but not done (a dry run): what would go and how many bytes that frees. Made by
/// <see cref="HubCacheInfo.DeleteRevisions"/> and <see cref="HubCacheInfo.Prune"/>; <see cref="Execute"/> does it.
/// </summary>
/// <remarks>
/// Deleting never follows a symlink: a link is removed, not its target; folders are emptied without descending into
/// linked folders; and a path that leads out of the cache through a symlink is left alone. Refs and snapshot entries go
/// before the blobs they name, so an interruption leaves no ref or link to a deleted blob that a download would trust.
/// </remarks>
public sealed class CacheDeletePlan
{
    private readonly IReadOnlyList<PlannedDeletion> _items;
    private readonly DateTimeOffset? _incompleteCutoff;

    internal CacheDeletePlan(string cacheDirectory, IReadOnlyList<PlannedDeletion> items, IReadOnlyList<string> revisionsNotFound, DateTimeOffset? incompleteCutoff)
    {
        CacheDirectory = cacheDirectory;
        _items = items;
        _incompleteCutoff = incompleteCutoff;
        RevisionsNotFound = revisionsNotFound;
        ExpectedBytesFreed = items.Sum(i => i.Bytes);
    }

    /// <summary>The cache folder.</summary>
    public string CacheDirectory { get; }

    /// <summary>Repo folders removed whole (every revision goes).</summary>
    public IReadOnlyList<string> Repos => Paths(PlannedKind.Repo);

    /// <summary>Snapshot folders (<c>snapshots/{commit}</c>) removed.</summary>
    public IReadOnlyList<string> Snapshots => Paths(PlannedKind.Snapshot);

    /// <summary>Ref files pointing at removed snapshots.</summary>
    public IReadOnlyList<string> Refs => Paths(PlannedKind.Ref);

    /// <summary>Blobs that no remaining revision uses.</summary>
    public IReadOnlyList<string> Blobs => Paths(PlannedKind.Blob);

    /// <summary>
    /// Entries of the cache-wide shared blob store (<c>{cache}/blobs/{2 hex}/{xet hash}</c>) that the deleted repo blobs
    /// link to: swept after the links go, each deleted only when no repo blob links to it any more (its <c>.refs</c>
    /// manifest lists no valid reference; a missing or unreadable manifest keeps it).
    /// </summary>
    public IReadOnlyList<string> SharedBlobs => Paths(PlannedKind.SharedBlob);

    /// <summary>Stale partial downloads and their sidecars.</summary>
    public IReadOnlyList<string> IncompleteFiles => Paths(PlannedKind.Incomplete);

    /// <summary>Set-aside corrupt blobs (<c>{etag}.corrupt-{time}</c>).</summary>
    public IReadOnlyList<string> SetAsideBlobs => Paths(PlannedKind.SetAside);

    /// <summary>Bookkeeping of removed revisions: <c>.no_exist/{commit}</c> and <c>trees/{commit}.json</c>.</summary>
    public IReadOnlyList<string> OtherFiles => Paths(PlannedKind.Other);

    /// <summary>Requested commits that are not in the cache (nothing is planned for them).</summary>
    public IReadOnlyList<string> RevisionsNotFound { get; }

    /// <summary>The bytes the plan frees when executed in full.</summary>
    public long ExpectedBytesFreed { get; }

    /// <summary>Whether the plan deletes nothing.</summary>
    public bool IsEmpty => _items.Count == 0;

    /// <summary>
    /// Deletes what the plan lists, checking again as it goes: a blob a snapshot links to again (a download since the
    /// plan) is kept, and so is a ref moved to another revision since, a whole repo that gained a revision or a running
    /// download since, and a partial download that was written to since, or whose blob lock is held; a shared-store
    /// entry is collected only if no repo blob links to it when it is swept. Failures do
    /// not stop the rest; they are reported in <see cref="CacheDeleteResult.NotDeleted"/>.
    /// </summary>
    public CacheDeleteResult Execute()
    {
        var run = new CacheDeleteRun(CacheDirectory, _incompleteCutoff);
        run.DeleteRefs(_items.Where(i => i.Kind == PlannedKind.Ref));
        run.DeleteAll(_items.Where(i => i.Kind is PlannedKind.Snapshot or PlannedKind.Other));
        run.DeleteBlobs(_items.Where(i => i.Kind == PlannedKind.Blob));
        run.DeleteIncomplete(_items.Where(i => i.Kind == PlannedKind.Incomplete));
        run.DeleteAll(_items.Where(i => i.Kind == PlannedKind.SetAside));
        run.DeleteRepos(_items.Where(i => i.Kind == PlannedKind.Repo));
        run.SweepSharedBlobs(_items.Where(i => i.Kind == PlannedKind.SharedBlob));
        return run.Result();
    }

    private string[] Paths(PlannedKind kind) => _items.Where(i => i.Kind == kind).Select(i => i.Path).ToArray();
}

/// <summary>The kinds of entries a plan deletes.</summary>
internal enum PlannedKind
{
    Repo,
    Snapshot,
    Ref,
    Blob,
    Incomplete,
    SetAside,
    Other,
    SharedBlob,
}

/// <summary>
/// One entry of a plan. <paramref name="Group"/> ties a partial download to its sidecars. <paramref name="Seen"/> is what
/// the scan saw that executing checks again: a ref's commit; a whole repo's snapshot folders (names, sorted, comma-joined).
/// </summary>
internal sealed record PlannedDeletion(PlannedKind Kind, string Path, long Bytes, string? Group = null, string? Seen = null);
