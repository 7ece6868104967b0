namespace HubClient;

/// <summary>
/// The hub cache, laid out as huggingface_hub does (<see cref="RepoCacheLayout"/>): content published as
/// <c>blobs/{etag}</c>, made visible as <c>snapshots/{commit}/{path}</c> (a relative symlink, or the file itself in copy
/// mode), with <c>refs/{revision}</c> and <c>.no_exist</c> markers. A Xet-backed file is kept once per cache in the
/// <see cref="SharedBlobStore"/> (when <see cref="HubApiOptions.UsesSharedBlobs"/>): its <c>blobs/{etag}</c> links there,
/// an entry already in the store is linked with no transfer, and a fresh download is moved into the store.
/// </summary>
internal sealed class CacheDestination : IDownloadDestination
{
    private readonly bool _disableSymlinks;
    private readonly SharedBlobStore? _store;
    private readonly bool _trustStore;
    private readonly TimeSpan _lockTimeout;

    public CacheDestination(RepoCacheLayout layout, bool disableSymlinks, SharedBlobStore? store = null, bool trustStore = false, TimeSpan lockTimeout = default)
    {
        Layout = layout;
        _disableSymlinks = disableSymlinks;
        _store = store;
        _trustStore = trustStore;
        _lockTimeout = lockTimeout;
    }

    /// <summary>The cache destination for a repository with these settings (shared blob store included when they allow it).</summary>
    public static CacheDestination For(RepoCacheLayout layout, HubApiOptions options) =>
        new(layout, options.DisableSymlinks, options.UsesSharedBlobs ? new SharedBlobStore(layout.CacheDirectory) : null, options.TrustSharedBlobs, options.LockTimeout);

    public RepoCacheLayout Layout { get; }

    public string Description => $"the cache at {Layout.RepoDirectory}";

    public string ListingFolder => Layout.RepoDirectory;

    public string SnapshotFolder(string commit) => Layout.SnapshotDirectory(commit);

    public string EntryPath(string commit, string repoPath) => Layout.SnapshotPath(commit, repoPath);

    public string? FindPinned(string commit, string repoPath)
    {
        string pointer = Layout.SnapshotPath(commit, repoPath);
        return EntryPresence.IsPresent(pointer, expectedSize: null) ? pointer : null;
    }

    public string? FindCached(string revision, string repoPath, out bool knownMissing) =>
        CacheLookup.FindFile(Layout, revision, repoPath, out knownMissing);

    public ValueTask<bool> IsPresentAsync(string repoPath, HubFileMetadata metadata, bool recordCommit, CancellationToken cancellationToken) =>
        ValueTask.FromResult(EntryPresence.IsPresent(Layout.SnapshotPath(metadata.CommitHash, repoPath), metadata.Size));

    /// <summary>
    /// Links <c>blobs/{etag}</c> to the shared store's entry of the file's Xet hash when the store holds one of the right
    /// size, checked against the etag's SHA-256 the first time this process uses it (unless trusted).
    /// </summary>
    public async ValueTask<bool> TryPlaceFromLocalCopyAsync(string repoPath, HubFileMetadata metadata, CancellationToken cancellationToken)
    {
        if (_store is null || metadata.XetHash is not { } xetHash || !_store.HasUsableEntry(xetHash, metadata.Size)) return false;
        string blob = Layout.BlobPath(metadata.Etag);
        if (EntryPresence.IsPresent(blob, metadata.Size)) return false; // The transfer step finds it published.
        string entry = _store.EntryPath(xetHash);
        if (!_trustStore && !await VerifiedSharedBlobs.CheckAsync(entry, metadata.Etag, cancellationToken).ConfigureAwait(false)) return false;
        return await _store.TryLinkAsync(blob, xetHash, metadata.Size, _lockTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Moves a freshly verified Xet-backed blob into the shared store and links it. An existing entry is kept only when this
    /// process verified it (or the caller trusts the store); otherwise the fresh copy replaces it. A blob an earlier run
    /// published is linked only when the entry's manifest lists it already: that run was killed after putting the payload
    /// in the store and before replacing the blob by a link (both are one file then, and would be counted twice).
    /// </summary>
    public async ValueTask SharePublishedAsync(string repoPath, HubFileMetadata metadata, bool newlyPublished, bool force, CancellationToken cancellationToken)
    {
        // Only content whose SHA-256 the transfer checked (a 64-hex etag) goes into the store.
        if (_store is null || metadata.XetHash is not { } xetHash || !SharedBlobStore.IsXetHash(xetHash)
            || !ContentHasher.IsSha256(metadata.Etag))
        {
            return;
        }
        string blob = Layout.BlobPath(metadata.Etag);
        if (!SharedBlobStore.IsRegularFile(blob)) return;
        if (!newlyPublished && !_store.Lists(blob, xetHash)) return;
        string entry = _store.EntryPath(xetHash);
        // Finishing an interrupted publish links the blob to the entry only once the entry is verified (it is normally the
        // blob's own payload, hard-linked); otherwise the blob, verified when it was published, replaces the entry.
        bool replace = force || !(_trustStore || VerifiedSharedBlobs.IsKnown(entry)
            || (!newlyPublished && await VerifiedSharedBlobs.CheckAsync(entry, metadata.Etag, cancellationToken).ConfigureAwait(false)));
        if (await _store.PublishAsync(blob, xetHash, metadata.Size, replace, _lockTimeout, cancellationToken).ConfigureAwait(false))
        {
            VerifiedSharedBlobs.Remember(entry);
        }
    }

    public TransferTarget TargetFor(string repoPath, HubFileMetadata metadata) => Layout.TransferTarget(metadata.Etag, metadata.Size);

    public string Place(string repoPath, HubFileMetadata metadata, bool newlyPublished)
    {
        SnapshotPointer.Create(Layout, metadata.CommitHash, repoPath, metadata.Etag, newlyPublished, _disableSymlinks);
        AtomicFile.TryDelete(Layout.NoExistPath(metadata.CommitHash, repoPath));
        return Layout.SnapshotPath(metadata.CommitHash, repoPath);
    }

    public void RecordRef(string revision, string commit, bool bestEffort) => RecordRef(revision, commit, bestEffort, snapshotFolder: true);

    /// <summary>
    /// As <see cref="RecordRef(string, string, bool)"/>; <paramref name="snapshotFolder"/>: also make the commit's snapshot
    /// folder first, as huggingface_hub does before it downloads into the cache (a ref to a commit without one makes its
    /// scan drop the whole repo, complete revisions too, while a download runs or after one stopped). A download into a
    /// local folder records the ref alone, as <c>snapshot_download(local_dir=…)</c> does.
    /// </summary>
    public void RecordRef(string revision, string commit, bool bestEffort, bool snapshotFolder)
    {
        try
        {
            if (snapshotFolder) Directory.CreateDirectory(Layout.SnapshotDirectory(commit));
            if (revision != commit) AtomicFile.WriteTextIfChanged(Layout.RefPath(revision), commit);
        }
        catch (Exception e) when (bestEffort && e is IOException or UnauthorizedAccessException)
        {
            // A read-only cache: the files can still be served, only the offline shortcut for this branch is lost.
        }
    }

    public void RecordMissing(string revision, string commit, string repoPath)
    {
        try
        {
            string marker = Layout.NoExistPath(commit, repoPath);
            Directory.CreateDirectory(Path.GetDirectoryName(marker)!);
            if (!File.Exists(marker)) File.WriteAllBytes(marker, []);
            RecordRef(revision, commit, bestEffort: false, snapshotFolder: false); // as huggingface_hub: the marker and the ref only
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A read-only cache cannot remember the miss; the error itself still reaches the caller.
        }
    }
}
