namespace HubClient;

public partial class HubApi
{
    private RemoteFileOpener? _remoteFiles;

    private RemoteFileOpener RemoteFiles => Live(_remoteFiles ??= new RemoteFileOpener(_http, MetadataFetcher));

    /// <summary>
    /// Opens a repository file as a seekable, read-only <see cref="Stream"/> without downloading it: one HEAD gives its size
    /// (<see cref="Stream.Length"/>), reads are served by HTTP <c>Range</c> requests through a read-ahead buffer of
    /// <see cref="OpenReadOptions.ReadAheadSize"/> bytes, with the same retries, redirects and token rules as downloads.
    /// When the file is already in the cache (its blob has the size the hub gives) the stream reads it from disk; offline,
    /// or when the hub cannot be reached, the cached copy is used if there is one. Nothing is written to the cache.
    /// </summary>
    /// <remarks>
    /// What is checked: every range answer is a <c>206</c> whose <c>Content-Range</c> starts at the byte asked and names the
    /// size the HEAD gave, without <c>Content-Encoding</c>. What is not: the bytes' hash — a partial read cannot be checked
    /// against the whole file's SHA-256. Synchronous reads block on the network; prefer <c>ReadAsync</c>. The stream is not
    /// thread-safe.
    /// </remarks>
    /// <param name="repoId">The repository, <c>name</c> or <c>namespace/name</c>.</param>
    /// <param name="path">The file's path in the repository, '/'-separated.</param>
    /// <param name="options">Revision, repository type, read-ahead size.</param>
    /// <param name="cancellationToken">Cancels opening (the HEAD); each read takes its own token.</param>
    /// <returns>A stream positioned at 0; dispose it.</returns>
    /// <exception cref="ArgumentException">Invalid repo id, path, revision or read-ahead size.</exception>
    /// <exception cref="RepositoryNotFoundException">The repository does not exist or is private.</exception>
    /// <exception cref="GatedRepositoryException">The repository is gated and the token has no access.</exception>
    /// <exception cref="RevisionNotFoundException">The revision does not exist.</exception>
    /// <exception cref="EntryNotFoundException">The file does not exist at that revision.</exception>
    /// <exception cref="LocalEntryNotFoundException">Offline (or the hub unreachable) and the file is not cached.</exception>
    /// <exception cref="HubProtocolException">From a read: the server cannot serve byte ranges, or answered other bytes than asked.</exception>
    /// <exception cref="HubFileChangedException">From a read: the file changed on the server since it was opened.</exception>
    public virtual async Task<Stream> OpenReadAsync(string repoId, string path, OpenReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        int readAhead = options?.ReadAheadSize ?? OpenReadOptions.DefaultReadAheadSize;
        ArgumentOutOfRangeException.ThrowIfLessThan(readAhead, 1, nameof(options));
        IRangeReader reader = await OpenRangeReaderAsync(repoId, path, options, cancellationToken).ConfigureAwait(false);
        return new RemoteFileStream(reader, readAhead);
    }

    /// <summary>Validates the arguments (before any request), then opens the file for range reads: cached blob or HTTP ranges.</summary>
    private Task<IRangeReader> OpenRangeReaderAsync(string repoId, string path, OpenReadOptions? options, CancellationToken cancellationToken)
    {
        RepoId.Validate(repoId);
        RepoPath.Validate(path);
        options ??= new OpenReadOptions();
        string revision = Revision.Normalize(options.Revision, nameof(options));
        return RemoteFiles.OpenAsync(options.RepoType, repoId, revision, path, cancellationToken);
    }
}
