namespace HubClient;

/// <summary>
/// Deletes cache entries without ever following a symlink: a link is removed, never its target; a folder is emptied
/// without descending into linked folders; and nothing is deleted unless it lies physically inside the cache.
/// </summary>
internal static class SafeDelete
{
    /// <summary>
    /// Deletes <paramref name="path"/> (file, symlink or folder tree). Returns false when it did not exist. Throws
    /// <see cref="IOException"/> when the path leads out of <paramref name="cacheRoot"/> through a symlink.
    /// </summary>
    public static bool Delete(string path, string cacheRoot)
    {
        if (!Exists(path)) return false;
        if (!PathContainment.IsEntryInside(path, cacheRoot))
        {
            throw new IOException($"'{path}' leads out of the cache '{cacheRoot}' through a symlink; it was not deleted.");
        }
        DeleteNoFollow(path);
        return true;
    }

    /// <summary>Whether an entry exists at <paramref name="path"/>, a dangling symlink included.</summary>
    public static bool Exists(string path)
    {
        var info = new FileInfo(path);
        return info.Exists || info.LinkTarget is not null || Directory.Exists(path);
    }

    /// <summary>The bytes of regular files under <paramref name="path"/>, not following symlinks.</summary>
    public static long SizeOf(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null) return 0;
        if (info.Exists) return info.Length;
        if (!Directory.Exists(path)) return 0;
        long total = 0;
        foreach (FileSystemInfo entry in new DirectoryInfo(path).EnumerateFileSystemInfos())
        {
            total += SizeOf(entry.FullName);
        }
        return total;
    }

    private static void DeleteNoFollow(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
        {
            // Remove the link itself. On Windows a link to a folder is removed as a folder.
            if (OperatingSystem.IsWindows() && (info.Attributes & FileAttributes.Directory) != 0) Directory.Delete(path);
            else File.Delete(path);
            return;
        }
        if (Directory.Exists(path))
        {
            foreach (FileSystemInfo entry in new DirectoryInfo(path).EnumerateFileSystemInfos())
            {
                DeleteNoFollow(entry.FullName);
            }
            Directory.Delete(path, recursive: false);
            return;
        }
        File.Delete(path);
    }
}
