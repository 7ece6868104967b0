using Microsoft.Win32.SafeHandles;

namespace HubClient;

/// <summary>Opens the partial file of a parallel download exclusively: an existing one to resume, or a new preallocated one.</summary>
internal static class PartialFile
{
    /// <summary>
    /// The existing partial at <paramref name="path"/>, opened exclusively, when it has the file's full length; null when it
    /// is missing or has another length (it cannot be resumed).
    /// </summary>
    /// <exception cref="PartialInUseException">Another writer holds it.</exception>
    public static SafeFileHandle? TryOpenExisting(string path, long size)
    {
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, FileOptions.Asynchronous);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (IOException e)
        {
            throw new PartialInUseException($"'{path}' is being written by another process.", e);
        }
        if (RandomAccess.GetLength(handle) == size) return handle;
        handle.Dispose();
        return null;
    }

    /// <summary>
    /// A new file of <paramref name="size"/> bytes at <paramref name="path"/>, opened exclusively, its disk space reserved
    /// up front where the file system allows (so a full disk fails now, not at 90 %).
    /// </summary>
    /// <exception cref="PartialInUseException">Another writer holds a file at that path.</exception>
    /// <exception cref="LocalWriteException">The file cannot be created or the disk has no room.</exception>
    public static SafeFileHandle CreatePreallocated(string path, long size)
    {
        try
        {
            // Only a new file can be preallocated: remove what an earlier run left (it is not resumable).
            if (File.Exists(path))
            {
                using (File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                {
                    // Opened exclusively: nobody writes it.
                }
                File.Delete(path);
            }
        }
        catch (Exception e) when (e is IOException and not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new PartialInUseException($"'{path}' is being written by another process.", e);
        }

        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.Asynchronous, preallocationSize: size);
        }
        catch (IOException e) when (File.Exists(path) && e is not FileNotFoundException)
        {
            throw new PartialInUseException($"'{path}' was created by another process meanwhile.", e);
        }
        catch (IOException e)
        {
            throw new LocalWriteException($"Could not create '{path}' for {size} bytes, the size the hub announced (disk full?, or more than this file system holds in one file): {e.Message}", e);
        }
        try
        {
            RandomAccess.SetLength(handle, size);
            return handle;
        }
        catch (IOException e)
        {
            handle.Dispose();
            AtomicFile.TryDelete(path);
            throw new LocalWriteException($"Could not size '{path}' to {size} bytes, the size the hub announced (disk full?, or more than this file system holds in one file): {e.Message}", e);
        }
    }
}
