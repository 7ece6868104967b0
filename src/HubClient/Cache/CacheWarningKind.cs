namespace HubClient;

/// <summary>What is wrong with a part of the cache that <see cref="HubCache.Scan"/> reported in <see cref="HubCacheInfo.Warnings"/>.</summary>
public enum CacheWarningKind
{
    /// <summary>A file where only folders belong: in the cache root (not a known helper file) or in a <c>snapshots/</c> folder.</summary>
    StrayFile,

    /// <summary>A folder in the cache root not named <c>{models|datasets|spaces}--{id}</c>.</summary>
    UnknownFolder,

    /// <summary>A repo folder without a <c>snapshots/</c> folder (it is still listed, with no revisions).</summary>
    MissingSnapshotsFolder,

    /// <summary>A snapshot entry is a symlink whose target does not exist (its blob is missing). The file is not listed.</summary>
    BrokenSymlink,

    /// <summary>A snapshot entry links to a file outside its repo's <c>blobs/</c> folder. It is listed, but never deleted through the link.</summary>
    LinkOutsideBlobs,

    /// <summary>A folder inside a snapshot is a symlink; it is not followed.</summary>
    LinkedFolder,

    /// <summary>A ref names a commit that has no snapshot folder (usual after an interrupted download).</summary>
    RefToMissingSnapshot,

    /// <summary>A ref file that cannot be read or does not hold a 40-hex commit, or a <c>refs</c> that is not a folder.</summary>
    InvalidRef,

    /// <summary>A blob that failed verification and was set aside as <c>{etag}.corrupt-{time}</c> (see <see cref="CorruptBlobAction.MoveAside"/>).</summary>
    SetAsideBlob,

    /// <summary>
    /// A folder the scanning user may not read (another user's folder in a shared cache): what it holds is not listed, and a
    /// deletion keeps every blob a revision there might use.
    /// </summary>
    UnreadableFolder,
}
