namespace HubClient;

/// <summary>What <see cref="HubCacheInfo.Prune"/> removes.</summary>
public sealed class CachePruneOptions
{
    /// <summary>
    /// Partial downloads (with their sidecars) and set-aside corrupt blobs are removed once nothing has written to them for
    /// this long; a partial whose blob has been published since (by another process or client) at any age. A running
    /// download writes continuously, and <see cref="CacheDeletePlan.Execute"/> also skips partials whose blob lock is held.
    /// Default one day.
    /// </summary>
    public TimeSpan OlderThan { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// Also remove detached revisions: snapshots no ref points at (downloaded by commit hash, or left behind when their
    /// branch moved on), with the blobs only they use. Default true, as <c>hf cache prune</c>.
    /// </summary>
    public bool DetachedRevisions { get; set; } = true;

    /// <summary>The clock that <see cref="OlderThan"/> is measured with. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
