namespace HubClient;

/// <summary>
/// Places a blob at <c>snapshots/{commit}/{path}</c>: a relative symlink (as huggingface_hub does) or, where symlinks are
/// unavailable or disabled, the file itself. Either way the entry appears atomically, by rename.
/// </summary>
internal static class SnapshotPointer
{
    /// <summary>
    /// Creates the snapshot entry for the blob named <paramref name="etag"/>. In copy mode a blob that this call just downloaded
    /// (<paramref name="newBlob"/>) is moved, as huggingface_hub does; a shared one is copied.
    /// </summary>
    public static void Create(RepoCacheLayout layout, string commit, string repoPath, string etag, bool newBlob, bool disableSymlinks)
    {
        string pointer = layout.SnapshotPath(commit, repoPath);
        string blob = layout.BlobPath(etag);
        Directory.CreateDirectory(Path.GetDirectoryName(pointer)!);
        if (!disableSymlinks && TryCreateSymlink(pointer, RepoCacheLayout.RelativeBlobTarget(repoPath, etag)))
        {
            return;
        }

        string temp = AtomicFile.TempSibling(pointer);
        try
        {
            if (newBlob) File.Move(blob, temp);
            else File.Copy(blob, temp);
            File.Move(temp, pointer, overwrite: true);
        }
        finally
        {
            AtomicFile.TryDelete(temp);
        }
    }

    private static bool TryCreateSymlink(string pointer, string relativeTarget)
    {
        try
        {
            // Usually nothing is there yet: one symlink(2), no temp name.
            File.CreateSymbolicLink(pointer, relativeTarget);
            return true;
        }
        catch (IOException) when (new FileInfo(pointer).LinkTarget is not null || File.Exists(pointer))
        {
            // Something is there (another writer, an older copy): replace it atomically below.
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            return false;
        }
        string temp = AtomicFile.TempSibling(pointer);
        try
        {
            File.CreateSymbolicLink(temp, relativeTarget);
            File.Move(temp, pointer, overwrite: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            AtomicFile.TryDelete(temp);
            return false;
        }
    }
}
