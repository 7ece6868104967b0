namespace HubClient;

/// <summary>
/// Where downloaded files are placed — the hub cache (<see cref="CacheDestination"/>) or a folder of the caller's
/// (<see cref="LocalDirectoryDestination"/>) — and what is already there. The download pipeline asks it what is present,
/// where a transfer writes (<see cref="TargetFor"/>), and to make a published file visible at its entry.
/// </summary>
internal interface IDownloadDestination
{
    /// <summary>Where this destination is, for messages: "the cache at …" or the folder.</summary>
    string Description { get; }

    /// <summary>The folder whose <c>trees/{commit}.json</c> holds the file listings snapshot downloads cached here.</summary>
    string ListingFolder { get; }

    /// <summary>The folder a snapshot download of <paramref name="commit"/> returns.</summary>
    string SnapshotFolder(string commit);

    /// <summary>The entry of <paramref name="repoPath"/> at <paramref name="commit"/>: the path returned to the caller.</summary>
    string EntryPath(string commit, string repoPath);

    /// <summary>The entry of a file pinned to a 40-hex commit, when it is in place already (no request needed); else null.</summary>
    string? FindPinned(string commit, string repoPath);

    /// <summary>
    /// The entry of <paramref name="repoPath"/> at <paramref name="revision"/> as this destination holds it, without the
    /// network; null when absent (<paramref name="knownMissing"/>: the hub said it does not exist).
    /// </summary>
    string? FindCached(string revision, string repoPath, out bool knownMissing);

    /// <summary>
    /// Whether the file <paramref name="metadata"/> describes is in place at its entry already. <paramref name="recordCommit"/>:
    /// when it is, a local folder points its metadata at the file's commit (a plan passes false: it writes nothing).
    /// </summary>
    ValueTask<bool> IsPresentAsync(string repoPath, HubFileMetadata metadata, bool recordCommit, CancellationToken cancellationToken);

    /// <summary>
    /// Puts the file's content in place from a verified copy this machine already holds (a cache blob, a shared-store
    /// entry), without a transfer; false when there is none. <see cref="Place"/> then makes it visible.
    /// </summary>
    ValueTask<bool> TryPlaceFromLocalCopyAsync(string repoPath, HubFileMetadata metadata, CancellationToken cancellationToken);

    /// <summary>Where a transfer of the file writes its partials and publishes the verified content.</summary>
    TransferTarget TargetFor(string repoPath, HubFileMetadata metadata);

    /// <summary>
    /// Called once the transfer step found verified content at <see cref="TargetFor"/>'s final path, before
    /// <see cref="Place"/>: the cache moves a Xet-backed blob into its shared blob store (best effort; <paramref name="force"/>:
    /// replace the store's entry). Content an earlier run published (<paramref name="newlyPublished"/> false) is only moved
    /// when that run was stopped part-way through moving it. A local folder does nothing.
    /// </summary>
    ValueTask SharePublishedAsync(string repoPath, HubFileMetadata metadata, bool newlyPublished, bool force, CancellationToken cancellationToken);

    /// <summary>Makes the published content visible at its entry and returns the entry (<paramref name="newlyPublished"/>: this call published it).</summary>
    string Place(string repoPath, HubFileMetadata metadata, bool newlyPublished);

    /// <summary>
    /// Remembers that <paramref name="revision"/> resolved to <paramref name="commit"/> (the cache's <c>refs/</c>, after the
    /// commit's snapshot folder, before anything is downloaded).
    /// </summary>
    void RecordRef(string revision, string commit, bool bestEffort);

    /// <summary>Remembers that the hub said <paramref name="repoPath"/> does not exist at <paramref name="commit"/> (the cache's <c>.no_exist/</c>).</summary>
    void RecordMissing(string revision, string commit, string repoPath);
}
