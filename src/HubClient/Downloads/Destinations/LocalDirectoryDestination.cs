namespace HubClient;

/// <summary>
/// <c>hf_hub_download(local_dir=…)</c>: the file lands at <c>{dir}/{path}</c> with huggingface_hub's metadata, so the next
/// call is a no-op, and transfers resume from partials under <c>{dir}/.cache/huggingface/download</c>
/// (<see cref="LocalDirectoryLayout"/>). A verified blob of the same etag in the hub cache is copied instead of downloaded.
/// </summary>
internal sealed class LocalDirectoryDestination : IDownloadDestination
{
    private readonly LocalDirectoryLayout _layout;
    private readonly RepoCacheLayout _cache;

    public LocalDirectoryDestination(string localDirectory, RepoCacheLayout cache)
    {
        _layout = new LocalDirectoryLayout(localDirectory);
        _cache = cache;
    }

    public string Description => _layout.Root;

    /// <summary>The local directory.</summary>
    public string Root => _layout.Root;

    public string ListingFolder => LocalDirectoryMetadata.HuggingFaceDirectory(_layout.Root);

    public string SnapshotFolder(string commit) => _layout.Root;

    public string EntryPath(string commit, string repoPath) => _layout.FilePath(repoPath);

    public string? FindPinned(string commit, string repoPath) =>
        LocalDirectoryMetadata.Read(_layout.Root, repoPath)?.CommitHash == commit && EntryPresence.IsPresent(_layout.FilePath(repoPath), expectedSize: null)
            ? _layout.FilePath(repoPath)
            : null;

    public string? FindCached(string revision, string repoPath, out bool knownMissing)
    {
        knownMissing = false;
        string file = _layout.FilePath(repoPath);
        return EntryPresence.IsPresent(file, expectedSize: null) ? file : null;
    }

    /// <summary>
    /// Present when the file has the expected size and its metadata names the same etag, or — without metadata — when it
    /// hashes to the etag (as huggingface_hub does for LFS files).
    /// </summary>
    public async ValueTask<bool> IsPresentAsync(string repoPath, HubFileMetadata metadata, bool recordCommit, CancellationToken cancellationToken)
    {
        string file = _layout.FilePath(repoPath);
        if (!EntryPresence.IsPresent(file, metadata.Size)) return false;
        LocalDirectoryMetadata? local = LocalDirectoryMetadata.Read(_layout.Root, repoPath);
        if (local is not null && local.Etag != metadata.Etag) return false;
        if (local is null && (!ContentHasher.IsContentHash(metadata.Etag)
            || await BlobVerifier.HashFileAsync(file, metadata.Etag, cancellationToken).ConfigureAwait(false) != metadata.Etag))
        {
            return false;
        }
        if (recordCommit && local?.CommitHash != metadata.CommitHash) LocalDirectoryMetadata.Write(_layout.Root, repoPath, metadata.CommitHash, metadata.Etag);
        return true;
    }

    public ValueTask<bool> TryPlaceFromLocalCopyAsync(string repoPath, HubFileMetadata metadata, CancellationToken cancellationToken) =>
        ValueTask.FromResult(TryCopyFromCache(repoPath, metadata));

    public ValueTask SharePublishedAsync(string repoPath, HubFileMetadata metadata, bool newlyPublished, bool force, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    private bool TryCopyFromCache(string repoPath, HubFileMetadata metadata)
    {
        string blob = _cache.BlobPath(metadata.Etag);
        if (!EntryPresence.IsPresent(blob, metadata.Size)) return false;
        string file = _layout.FilePath(repoPath);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        string temp = _layout.UniqueTempPath(repoPath, metadata.Etag);
        Directory.CreateDirectory(Path.GetDirectoryName(temp)!);
        try
        {
            AtomicFile.CopyWritable(blob, temp);
            File.Move(temp, file, overwrite: true);
        }
        finally
        {
            AtomicFile.TryDelete(temp);
        }
        return true;
    }

    public TransferTarget TargetFor(string repoPath, HubFileMetadata metadata) => _layout.TransferTarget(repoPath, metadata.Etag);

    public string Place(string repoPath, HubFileMetadata metadata, bool newlyPublished)
    {
        LocalDirectoryMetadata.Write(_layout.Root, repoPath, metadata.CommitHash, metadata.Etag);
        return _layout.FilePath(repoPath);
    }

    public void RecordRef(string revision, string commit, bool bestEffort)
    {
        // A local folder keeps no refs: its metadata records the commit of each file.
    }

    public void RecordMissing(string revision, string commit, string repoPath)
    {
        // Nothing to remember in a local folder.
    }
}
