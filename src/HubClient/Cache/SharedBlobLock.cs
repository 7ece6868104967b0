namespace HubClient;

/// <summary>
/// The lock of one shared-store entry, <c>{xet_hash}.lock</c> beside it, held while publishing, linking and collecting
/// that entry. Python's huggingface_hub takes it with <c>filelock.FileLock</c>, an exclusive <c>fcntl.flock</c> on that
/// file; <see cref="BlobLock"/> takes the same lock (.NET opens with <see cref="FileShare.None"/> as <c>flock(LOCK_EX)</c>
/// on Unix), so .NET and Python wait for each other. The file is created <c>0666</c>, never through a symlink, and stays
/// in place (deleting a lock file another process is waiting on would split the lock). Unlike the repo blob lock this
/// one is not optional: when it cannot be held (a timeout, a file system whose locks do nothing) the store is not touched
/// and the caller keeps its repo-local blob.
/// </summary>
internal static class SharedBlobLock
{
    /// <summary>The lock file of the store entry <paramref name="entryPath"/>.</summary>
    public static string PathFor(string entryPath) => entryPath + ".lock";

    /// <summary>
    /// Takes the lock of <paramref name="entryPath"/>, waiting up to <paramref name="timeout"/>; null when it cannot be held
    /// — also when the lock file cannot be created (another user's store) or is not a regular file (a symlink planted
    /// there, a folder).
    /// </summary>
    public static async Task<BlobLock?> AcquireAsync(string entryPath, TimeSpan timeout, CancellationToken cancellationToken)
    {
        string lockPath = PathFor(entryPath);
        try
        {
            Prepare(lockPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        BlobLock held = await BlobLock.AcquireAsync(lockPath, timeout, () => false, cancellationToken).ConfigureAwait(false);
        if (held.IsHeld) return held;
        held.Dispose();
        return null;
    }

    /// <summary>Creates the lock file (mode <c>0666</c>) unless it exists; refuses anything but a regular file (Python opens it <c>O_NOFOLLOW</c>).</summary>
    private static void Prepare(string lockPath)
    {
        var info = new FileInfo(lockPath);
        if (info.LinkTarget is not null || System.IO.Directory.Exists(lockPath))
        {
            throw new IOException($"Shared blob lock is not a regular file: '{lockPath}'.");
        }
        if (!info.Exists)
        {
            var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.Write, Share = FileShare.ReadWrite };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = SharedBlobModes.Writable;
            try
            {
                using (new FileStream(lockPath, options))
                {
                }
            }
            catch (IOException) when (File.Exists(lockPath))
            {
                // Created meanwhile and locked by its creator (.NET's open takes a shared flock): it exists, which is all we need.
            }
        }
        SharedBlobModes.TryMakeWritable(lockPath);
    }
}
