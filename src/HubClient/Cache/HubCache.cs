namespace HubClient;

/// <summary>
/// Inspects and cleans the hub cache that HubClient shares with Python's huggingface_hub, without a <see cref="HubApi"/>
/// and without the network: <see cref="Scan"/> lists what is cached (then plan deletions with
/// <see cref="HubCacheInfo.DeleteRevisions"/> and <see cref="HubCacheInfo.Prune"/>), <see cref="VerifyAsync"/> re-hashes
/// blobs. Works on caches written in symlink mode and in copy mode, by HubClient or by huggingface_hub.
/// </summary>
/// <example>
/// <code>
/// HubCacheInfo cache = HubCache.Scan();
/// foreach (CachedRepo repo in cache.Repos) Console.WriteLine($"{repo.RepoId}: {repo.SizeOnDisk} bytes");
/// CacheDeletePlan plan = cache.Prune(new CachePruneOptions { OlderThan = TimeSpan.FromDays(7) });
/// Console.WriteLine($"Frees {plan.ExpectedBytesFreed} bytes");
/// plan.Execute();
/// </code>
/// </example>
public static class HubCache
{
    /// <summary>
    /// The cache folder the environment selects, as <see cref="HubApiOptions.FromEnvironment"/> does: <c>HF_HUB_CACHE</c>,
    /// else <c>HF_HOME/hub</c>, else <c>XDG_CACHE_HOME/huggingface/hub</c>, else <c>~/.cache/huggingface/hub</c>.
    /// </summary>
    public static string DefaultCacheDirectory => HubEnvironment.DefaultCacheDirectory(Environment.GetEnvironmentVariable);

    /// <summary>
    /// Lists the repositories, revisions, files and partial downloads of a cache (the picture huggingface_hub's
    /// <c>scan_cache_dir</c> gives). Malformed parts (a stray file, a broken symlink, a ref to a missing snapshot, an unknown
    /// folder) become <see cref="HubCacheInfo.Warnings"/>; unlike huggingface_hub, the rest of that repository is still
    /// listed. Only reads.
    /// </summary>
    /// <param name="cacheDirectory">The cache folder; default <see cref="DefaultCacheDirectory"/>.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="ArgumentException">The path is a file.</exception>
    public static HubCacheInfo Scan(string? cacheDirectory = null) => CacheScanner.Scan(cacheDirectory ?? DefaultCacheDirectory);

    /// <summary>
    /// Re-hashes blobs against their names (SHA-256 for 64-hex names, git blob SHA-1 for 40-hex) and reports corrupt
    /// blobs, snapshot entries whose blob is missing, and orphaned blobs. With <see cref="CacheVerifyOptions.CorruptBlobs"/>
    /// set, corrupt blobs are set aside or deleted together with the snapshot links to them, so that the next download
    /// fetches them again; otherwise nothing is written.
    /// </summary>
    /// <param name="cacheDirectory">The cache folder; default <see cref="DefaultCacheDirectory"/>.</param>
    /// <param name="options">One repository or all, what to do with corrupt blobs, progress.</param>
    /// <param name="cancellationToken">Stops between reads.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static Task<CacheVerifyReport> VerifyAsync(string? cacheDirectory = null, CacheVerifyOptions? options = null, CancellationToken cancellationToken = default) =>
        CacheVerifier.VerifyAsync(cacheDirectory ?? DefaultCacheDirectory, options ?? new CacheVerifyOptions(), cancellationToken);
}
