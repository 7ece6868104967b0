namespace HubClient;

/// <summary>
/// Places a blob at <c>snapshots/{commit}/{path}</c>: a relative symlink (as huggingface_hub does) or, where symlinks are
/// unavailable or disabled, the file itself. Either way the entry appears atomically and complete: a new symlink is
/// created in one system call; a replacement or a copy is staged under a temp name in <c>blobs/</c> (where a crash leaves
/// only a <c>*.incomplete</c> that prune removes) and renamed into place. The snapshot folder never holds temp files.
/// </summary>
internal static class SnapshotPointer
{
    /// <summary>
    /// Creates the snapshot entry for the blob named <paramref name="etag"/>. In copy mode a blob that this call just downloaded
    /// (<paramref name="newBlob"/>) is moved, as huggingface_hub does; a shared one (or a link into the shared blob store) is copied.
    /// </summary>
    public static void Create(RepoCacheLayout layout, string commit, string repoPath, string etag, bool newBlob, bool disableSymlinks)
    {
        string pointer = layout.SnapshotPath(commit, repoPath);
        string blob = layout.BlobPath(etag);
        Directory.CreateDirectory(Path.GetDirectoryName(pointer)!);
        if (!disableSymlinks && TryCreateSymlink(layout, pointer, RepoCacheLayout.RelativeBlobTarget(repoPath, etag), etag))
        {
            return;
        }

        // A blob that links into the shared blob store is copied: moving the link would leave a relative link that no longer resolves.
        if (newBlob && new FileInfo(blob).LinkTarget is null)
        {
            File.Move(blob, pointer, overwrite: true);
            return;
        }
        string staged = StagingPath(layout, etag);
        try
        {
            AtomicFile.CopyWritable(blob, staged);
            CrashPoints.Reached(CrashPoints.PointerStaged);
            File.Move(staged, pointer, overwrite: true);
        }
        finally
        {
            AtomicFile.TryDelete(staged);
        }
    }

    private static bool TryCreateSymlink(RepoCacheLayout layout, string pointer, string relativeTarget, string etag)
    {
        try
        {
            File.CreateSymbolicLink(pointer, relativeTarget);
            return true;
        }
        catch (IOException) when (LinkTarget(pointer) == relativeTarget)
        {
            return true; // Another writer created the same link, or it was left dangling and now has its blob again.
        }
        catch (IOException) when (SafeDelete.Exists(pointer))
        {
            return TryReplaceWithSymlink(layout, pointer, relativeTarget, etag);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            return false;
        }
    }

    /// <summary>Replaces an existing entry by a link staged in <c>blobs/</c> (the link text is relative, so it resolves from where it lands).</summary>
    private static bool TryReplaceWithSymlink(RepoCacheLayout layout, string pointer, string relativeTarget, string etag)
    {
        string staged = StagingPath(layout, etag);
        try
        {
            File.CreateSymbolicLink(staged, relativeTarget);
            File.Move(staged, pointer, overwrite: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            AtomicFile.TryDelete(staged);
            return false;
        }
    }

    private static string StagingPath(RepoCacheLayout layout, string etag) =>
        layout.BlobPath(etag) + "." + Guid.NewGuid().ToString("N")[..8] + RepoCacheLayout.IncompleteSuffix;

    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
