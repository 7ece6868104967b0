namespace HubClient;

public partial class HubApi
{
    private SnapshotDownloader? _snapshotDownloader;

    private SnapshotDownloader Snapshots => Live(_snapshotDownloader ??= new SnapshotDownloader(_http, RepoApi, Pipeline));

    /// <summary>
    /// Downloads the files of a repository at a revision into the shared hub cache (or
    /// <see cref="SnapshotDownloadOptions.LocalDirectory"/>) and returns the folder holding them,
    /// <c>{cache}/{type}s--{org}--{name}/snapshots/{commit}</c>. The revision is resolved once and the commit's files listed
    /// once; each selected file is then fetched pinned to that commit with one GET (no per-file HEAD), verified against its
    /// SHA-256 or git SHA-1, and files already cached cost no transfer. Large files download in parallel ranges.
    /// </summary>
    /// <param name="repoId">The repository, <c>name</c> or <c>namespace/name</c>.</param>
    /// <param name="options">Revision, repository type, file patterns, concurrency, offline and local-directory settings, progress.</param>
    /// <param name="cancellationToken">Cancels the download; verified files stay in the cache and partial large files are resumed next time.</param>
    /// <exception cref="ArgumentException">Invalid repo id, revision, pattern or concurrency (nothing was requested or written).</exception>
    /// <exception cref="RepositoryNotFoundException">The repository does not exist or is private.</exception>
    /// <exception cref="GatedRepositoryException">The repository is gated and the token has no access.</exception>
    /// <exception cref="RevisionNotFoundException">The revision does not exist.</exception>
    /// <exception cref="LocalEntryNotFoundException">
    /// Offline (or the hub unreachable) and the cached snapshot is missing, or lacks some selected files
    /// (<see cref="LocalEntryNotFoundException.MissingPaths"/> lists them), or its file list was never cached so completeness
    /// cannot be checked. A partial folder is never returned.
    /// </exception>
    /// <exception cref="HubIntegrityException">A file's bytes did not match its hash (nothing was published for it).</exception>
    /// <exception cref="HubFileChangedException">A file changed on the server while it downloaded.</exception>
    /// <exception cref="RateLimitedException">The hub kept answering 429.</exception>
    /// <exception cref="HubProtocolException">A file's download was redirected in a loop or to a location that is not http(s).</exception>
    /// <exception cref="HubException">
    /// A file's download kept failing (server errors, dropped connections without progress); verified files stay in the
    /// cache and the partial is kept.
    /// </exception>
    /// <exception cref="IOException">Writing to the cache failed (disk full, file too large, read-only); the partial is kept.</exception>
    /// <returns>The snapshot's folder: <c>{cache}/{type}s--{namespace}--{name}/snapshots/{commit}</c>, or <see cref="SnapshotDownloadOptions.LocalDirectory"/> when set.</returns>
    public virtual Task<string> DownloadSnapshotAsync(string repoId, SnapshotDownloadOptions? options = null, CancellationToken cancellationToken = default)
    {
        RepoId.Validate(repoId);
        options ??= new SnapshotDownloadOptions();
        string revision = Revision.Normalize(options.Revision, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConcurrency, 1, nameof(options));
        _ = new RepoPathFilter(options.AllowPatterns, options.IgnorePatterns); // Rejects null patterns before any request.
        return Snapshots.DownloadAsync(repoId, revision, options, cancellationToken);
    }
}
