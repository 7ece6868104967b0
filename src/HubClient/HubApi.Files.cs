namespace HubClient;

public partial class HubApi
{
    private FileMetadataFetcher? _metadataFetcher;
    private FileDownloadPipeline? _pipeline;

    private FileMetadataFetcher MetadataFetcher => Live(_metadataFetcher ??= new FileMetadataFetcher(_http));

    private FileDownloadPipeline Pipeline => Live(_pipeline ??= new FileDownloadPipeline(_http, MetadataFetcher));

    /// <summary>
    /// Downloads one file into the shared hub cache (or <see cref="DownloadFileOptions.LocalDirectory"/>) and returns its
    /// absolute path, <c>{cache}/{type}s--{org}--{name}/snapshots/{commit}/{path}</c>. The bytes are verified against the
    /// hub's SHA-256 or git SHA-1 before they are published; a partial from an earlier run is continued.
    /// </summary>
    /// <param name="repoId">The repository, <c>name</c> or <c>namespace/name</c>.</param>
    /// <param name="path">The file's path in the repository, '/'-separated.</param>
    /// <param name="options">Revision, repository type, offline and local-directory settings, progress.</param>
    /// <param name="cancellationToken">Cancels the download; the partial file is kept for the next call.</param>
    /// <exception cref="ArgumentException">Invalid repo id, path or revision (nothing was requested or written).</exception>
    /// <exception cref="RepositoryNotFoundException">The repository does not exist or is private.</exception>
    /// <exception cref="GatedRepositoryException">The repository is gated and the token has no access.</exception>
    /// <exception cref="RevisionNotFoundException">The revision does not exist.</exception>
    /// <exception cref="EntryNotFoundException">The file does not exist at that revision.</exception>
    /// <exception cref="LocalEntryNotFoundException">Offline (or the hub unreachable) and the file is not cached.</exception>
    /// <exception cref="HubIntegrityException">The downloaded bytes did not match their hash (nothing was published).</exception>
    /// <exception cref="HubFileChangedException">
    /// The file changed on the server while it downloaded in parallel ranges (a range with another validator, 412 to
    /// <c>If-Match</c>, another size): nothing was published and its partial was deleted; call again for the new version.
    /// </exception>
    /// <exception cref="RateLimitedException">The hub kept answering 429.</exception>
    /// <exception cref="HubProtocolException">The download was redirected in a loop or to a location that is not http(s).</exception>
    /// <exception cref="HubException">The download kept failing (server errors, dropped connections without progress); the partial is kept.</exception>
    /// <exception cref="IOException">Writing to the cache failed (disk full, file too large, read-only); the partial is kept.</exception>
    /// <returns>The absolute path of the verified file: <c>{cache}/{type}s--{namespace}--{name}/snapshots/{commit}/{path}</c>, or <c>{LocalDirectory}/{path}</c> when <see cref="DownloadFileOptions.LocalDirectory"/> is set.</returns>
    public virtual Task<string> DownloadFileAsync(string repoId, string path, DownloadFileOptions? options = null, CancellationToken cancellationToken = default)
    {
        RepoId.Validate(repoId);
        RepoPath.Validate(path);
        options ??= new DownloadFileOptions();
        string revision = Revision.Normalize(options.Revision);
        return Pipeline.DownloadAsync(options.RepoType, repoId, revision, path, options, cancellationToken);
    }

    /// <summary>
    /// Asks the hub (one HEAD, following renamed-repo redirects) for a file's commit, etag, size and download location.
    /// </summary>
    /// <param name="repoId">The repository, <c>name</c> or <c>namespace/name</c>.</param>
    /// <param name="path">The file's path in the repository.</param>
    /// <param name="options">Revision and repository type.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The file's commit, etag (SHA-256 for LFS/Xet files, git blob SHA-1 otherwise), size in bytes and download location.</returns>
    /// <exception cref="ArgumentException">Invalid repo id, path or revision (nothing was requested).</exception>
    /// <exception cref="RepositoryNotFoundException">The repository does not exist or is private.</exception>
    /// <exception cref="GatedRepositoryException">The repository is gated and the token has no access.</exception>
    /// <exception cref="RevisionNotFoundException">The revision does not exist.</exception>
    /// <exception cref="EntryNotFoundException">The file does not exist at that revision.</exception>
    /// <exception cref="HubProtocolException">The answer lacks <c>X-Repo-Commit</c>, an etag or a size (the message names the URL and the header), or the redirects loop.</exception>
    /// <exception cref="HubException">Any other error of the hub, after retries (5xx, 429 as <see cref="RateLimitedException"/>).</exception>
    public virtual Task<HubFileMetadata> GetFileMetadataAsync(string repoId, string path, FileMetadataOptions? options = null, CancellationToken cancellationToken = default)
    {
        RepoId.Validate(repoId);
        RepoPath.Validate(path);
        options ??= new FileMetadataOptions();
        return MetadataFetcher.GetAsync(options.RepoType, repoId, Revision.Normalize(options.Revision), path, cancellationToken);
    }
}
