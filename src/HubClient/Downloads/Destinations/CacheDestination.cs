namespace HubClient;

/// <summary>
/// The hub cache, laid out as huggingface_hub does (<see cref="RepoCacheLayout"/>): content published as
/// <c>blobs/{etag}</c>, made visible as <c>snapshots/{commit}/{path}</c> (a relative symlink, or the file itself in copy
/// mode), with <c>refs/{revision}</c> and <c>.no_exist</c> markers.
/// </summary>
internal sealed class CacheDestination : IDownloadDestination
{
    private readonly bool _disableSymlinks;

    public CacheDestination(RepoCacheLayout layout, bool disableSymlinks)
    {
        Layout = layout;
        _disableSymlinks = disableSymlinks;
    }

    public RepoCacheLayout Layout { get; }

    public string EntryPath(string commit, string repoPath) => Layout.SnapshotPath(commit, repoPath);

    public string? FindPinned(string commit, string repoPath)
    {
        string pointer = Layout.SnapshotPath(commit, repoPath);
        return EntryPresence.IsPresent(pointer, expectedSize: null) ? pointer : null;
    }

    public string? FindCached(string revision, string repoPath, out bool knownMissing) =>
        CacheLookup.FindFile(Layout, revision, repoPath, out knownMissing);

    public ValueTask<bool> IsPresentAsync(string repoPath, HubFileMetadata metadata, CancellationToken cancellationToken) =>
        ValueTask.FromResult(EntryPresence.IsPresent(Layout.SnapshotPath(metadata.CommitHash, repoPath), metadata.Size));

    public bool TryPlaceFromLocalCopy(string repoPath, HubFileMetadata metadata) => false;

    public TransferTarget TargetFor(string repoPath, HubFileMetadata metadata) => Layout.TransferTarget(metadata.Etag, metadata.Size);

    public string Place(string repoPath, HubFileMetadata metadata, bool newlyPublished)
    {
        SnapshotPointer.Create(Layout, metadata.CommitHash, repoPath, metadata.Etag, newlyPublished, _disableSymlinks);
        AtomicFile.TryDelete(Layout.NoExistPath(metadata.CommitHash, repoPath));
        return Layout.SnapshotPath(metadata.CommitHash, repoPath);
    }

    public void RecordRef(string revision, string commit, bool bestEffort)
    {
        if (revision == commit) return;
        try
        {
            AtomicFile.WriteTextIfChanged(Layout.RefPath(revision), commit);
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
            RecordRef(revision, commit, bestEffort: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A read-only cache cannot remember the miss; the error itself still reaches the caller.
        }
    }
}
