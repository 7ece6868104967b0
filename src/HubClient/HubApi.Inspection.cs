namespace HubClient;

public partial class HubApi
{
    private SnapshotPlanner? _snapshotPlanner;

    private SnapshotPlanner SnapshotPlanner => Live(_snapshotPlanner ??= new SnapshotPlanner(_http, RepoApi, Pipeline));

    /// <summary>
    /// Reads the safetensors checkpoint's headers without downloading its weights, as huggingface_hub's
    /// <c>get_safetensors_metadata</c>: <c>model.safetensors</c> when the repository has it, else every shard named by
    /// <c>model.safetensors.index.json</c>. Per file: one HEAD and one range request of the first 100,001 bytes (a second
    /// one only when the header is longer); files already cached are read from disk.
    /// Format: an 8-byte little-endian header length N, N bytes of JSON (https://github.com/huggingface/safetensors#format).
    /// </summary>
    /// <param name="repoId">The repository, <c>name</c> or <c>namespace/name</c>.</param>
    /// <param name="options">Revision and repository type (the read-ahead size is not used).</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>The tensors (dtype, shape, data offsets) of each file, the weight map and the parameter counts per dtype.</returns>
    /// <exception cref="ArgumentException">Invalid repo id or revision.</exception>
    /// <exception cref="NotASafetensorsRepoException">Neither <c>model.safetensors</c> nor <c>model.safetensors.index.json</c> exists at that revision.</exception>
    /// <exception cref="HubFileFormatException">
    /// A header is longer than 25,000,000 bytes (huggingface_hub's limit), is not valid JSON, or lies about its length (it
    /// declares more bytes than the file has, or a tensor's data offsets run past the file); or the index is malformed.
    /// </exception>
    /// <exception cref="EntryNotFoundException">A shard the index names does not exist.</exception>
    /// <exception cref="RepositoryNotFoundException">The repository does not exist or is private.</exception>
    /// <exception cref="RevisionNotFoundException">The revision does not exist.</exception>
    /// <exception cref="HubProtocolException">The server cannot serve byte ranges, or answered other bytes than asked.</exception>
    public virtual Task<SafetensorsRepoMetadata> GetSafetensorsMetadataAsync(string repoId, OpenReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        RepoId.Validate(repoId);
        options ??= new OpenReadOptions();
        string revision = Revision.Normalize(options.Revision, nameof(options));
        return new SafetensorsMetadataReader(RemoteFiles).ReadAsync(options.RepoType, repoId, revision, cancellationToken);
    }

    /// <summary>
    /// Reads the header of one <c>.safetensors</c> file (as huggingface_hub's <c>parse_safetensors_file_metadata</c>): one
    /// HEAD and one range request of the first 100,001 bytes, a second one only when the header is longer; a cached file is
    /// read from disk.
    /// </summary>
    /// <param name="repoId">The repository, <c>name</c> or <c>namespace/name</c>.</param>
    /// <param name="path">The <c>.safetensors</c> file's path in the repository.</param>
    /// <param name="options">Revision and repository type (the read-ahead size is not used).</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>The tensors (dtype, shape, data offsets), <c>__metadata__</c> and parameter counts per dtype.</returns>
    /// <exception cref="ArgumentException">Invalid repo id, path or revision.</exception>
    /// <exception cref="HubFileFormatException">The header is too large, not valid JSON, or lies about its length.</exception>
    /// <exception cref="EntryNotFoundException">The file does not exist at that revision.</exception>
    /// <exception cref="RepositoryNotFoundException">The repository does not exist or is private.</exception>
    /// <exception cref="HubProtocolException">The server cannot serve byte ranges, or answered other bytes than asked.</exception>
    public virtual async Task<SafetensorsFileMetadata> GetSafetensorsFileMetadataAsync(string repoId, string path, OpenReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        using IRangeReader reader = await OpenRangeReaderAsync(repoId, path, options, cancellationToken).ConfigureAwait(false);
        return await SafetensorsHeaderReader.ReadAsync(reader, path, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads a GGUF file's header — every metadata key/value with its type, the tensor infos — without downloading its
    /// tensors: one HEAD, then range requests from the start of the file (1 MiB first, growing until the header ends).
    /// GGUF v2 and v3, little-endian (format: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md). A cached file is
    /// read from disk.
    /// </summary>
    /// <param name="repoId">The repository, <c>name</c> or <c>namespace/name</c>.</param>
    /// <param name="path">The <c>.gguf</c> file's path in the repository.</param>
    /// <param name="options">Revision and repository type (the read-ahead size is not used).</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>The version, every metadata key/value (typed), the tensor infos and the offset where tensor data starts.</returns>
    /// <exception cref="ArgumentException">Invalid repo id, path or revision.</exception>
    /// <exception cref="HubFileFormatException">
    /// Not a GGUF file (bad magic), a version other than 2 or 3 (or big-endian), a truncated header, an unknown value type,
    /// or counts and lengths the file cannot hold; or a header longer than 256 MiB.
    /// </exception>
    /// <exception cref="EntryNotFoundException">The file does not exist at that revision.</exception>
    /// <exception cref="RepositoryNotFoundException">The repository does not exist or is private.</exception>
    /// <exception cref="HubProtocolException">The server cannot serve byte ranges, or answered other bytes than asked.</exception>
    public virtual async Task<GgufMetadata> GetGgufMetadataAsync(string repoId, string path, OpenReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        using IRangeReader reader = await OpenRangeReaderAsync(repoId, path, options, cancellationToken).ConfigureAwait(false);
        return await GgufReader.ReadAsync(reader, path, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Plans <see cref="DownloadSnapshotAsync"/> with the same options without downloading or writing anything (as
    /// <c>hf download --dry-run</c>): resolves the revision and lists the commit's files exactly as the download would (from
    /// <c>trees/{commit}.json</c> when cached; from the cache alone offline, with <see cref="SnapshotDownloadOptions.LocalFilesOnly"/>,
    /// or when the hub cannot be reached), applies the patterns, and marks each file already in place by the download's
    /// rule (its entry resolves to a readable regular file of the listed size; in a local directory, also of the listed
    /// content, by its recorded etag or, when none is recorded, by hashing it).
    /// </summary>
    /// <param name="repoId">The repository, <c>name</c> or <c>namespace/name</c>.</param>
    /// <param name="options">The options the download would use (revision, type, patterns, force, local directory).</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>The files sorted by path, with sizes in bytes and what would be fetched.</returns>
    /// <exception cref="ArgumentException">Invalid repo id, revision or pattern.</exception>
    /// <exception cref="RepositoryNotFoundException">The repository does not exist or is private.</exception>
    /// <exception cref="RevisionNotFoundException">The revision does not exist.</exception>
    /// <exception cref="LocalEntryNotFoundException">Offline (or the hub unreachable) and the revision or its file list is not cached.</exception>
    public virtual Task<SnapshotDownloadPlan> PlanSnapshotDownloadAsync(string repoId, SnapshotDownloadOptions? options = null, CancellationToken cancellationToken = default)
    {
        RepoId.Validate(repoId);
        options ??= new SnapshotDownloadOptions();
        string revision = Revision.Normalize(options.Revision, nameof(options));
        _ = new RepoPathFilter(options.AllowPatterns, options.IgnorePatterns);
        return SnapshotPlanner.PlanAsync(repoId, revision, options, cancellationToken);
    }
}
