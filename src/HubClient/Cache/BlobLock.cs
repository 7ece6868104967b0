using System.Diagnostics;

namespace HubClient;

/// <summary>
/// A best-effort inter-process lock on one blob, at <c>.locks/{repo folder}/{etag}.lock</c>. On Unix .NET takes it with
/// <c>flock</c>, the same lock Python's filelock uses, so .NET and Python downloaders wait for each other. Correctness
/// never depends on it: when it cannot be taken (read-only cache, a file system without locks, a timeout) the caller
/// downloads to a unique temp name and publishes with an atomic rename.
/// </summary>
internal sealed class BlobLock : IDisposable
{
    private static readonly TimeSpan MaxPoll = TimeSpan.FromMilliseconds(250);
    private readonly FileStream? _stream;

    private BlobLock(FileStream? stream) => _stream = stream;

    /// <summary>Whether the lock is held; false means "proceed without it".</summary>
    public bool IsHeld => _stream is not null;

    /// <summary>
    /// Waits for the lock until <paramref name="timeout"/>, or until <paramref name="isDone"/> says another process
    /// already finished the work.
    /// </summary>
    public static async Task<BlobLock> AcquireAsync(string lockPath, TimeSpan timeout, Func<bool> isDone, CancellationToken cancellationToken)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(lockPath)!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new BlobLock(null);
        }

        var clock = Stopwatch.StartNew();
        TimeSpan poll = TimeSpan.FromMilliseconds(10);
        while (true)
        {
            try
            {
                var stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
                MakeGroupWritable(stream);
                if (LocksAreEffective(lockPath)) return new BlobLock(stream);
                stream.Dispose();
                return new BlobLock(null);
            }
            catch (UnauthorizedAccessException)
            {
                return new BlobLock(null);
            }
            catch (IOException) when (File.Exists(lockPath))
            {
                // Held by another process (sharing violation) — wait, unless that process finished meanwhile.
            }
            catch (IOException)
            {
                return new BlobLock(null);
            }
            if (isDone() || clock.Elapsed >= timeout) return new BlobLock(null);
            await Task.Delay(poll, cancellationToken).ConfigureAwait(false);
            poll = TimeSpan.FromTicks(Math.Min(poll.Ticks * 2, MaxPoll.Ticks));
        }
    }

    /// <summary>
    /// Tries to take the lock a second time while holding it. On a file system where locks do nothing (some network
    /// mounts, or .NET's <c>System.IO.DisableFileLocking</c>) that succeeds: the lock is then worthless and must not be
    /// treated as held, or two writers would share the resumable partial.
    /// </summary>
    private static bool LocksAreEffective(string lockPath)
    {
        try
        {
            using var probe = new FileStream(lockPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return true;
        }
    }

    /// <summary>
    /// Takes the lock of a blob only if nobody holds it, without creating the lock file, for housekeeping that must keep
    /// out of a running download. Returns null when the lock is busy; a lock (possibly not held) otherwise.
    /// </summary>
    public static BlobLock? TryAcquireExisting(string lockPath)
    {
        try
        {
            var stream = new FileStream(lockPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            if (LocksAreEffective(lockPath)) return new BlobLock(stream);
            stream.Dispose();
            return new BlobLock(null);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            return new BlobLock(null); // No lock file: nobody downloads that blob (or locks cannot be used here).
        }
        catch (IOException) when (File.Exists(lockPath))
        {
            return null;
        }
        catch (IOException)
        {
            return new BlobLock(null);
        }
    }

    /// <summary>
    /// At least <c>0664</c> on the lock file, whatever the umask, as huggingface_hub's lock (<c>WeakFileLock</c>: filelock
    /// with <c>mode=0o664</c>, which <c>fchmod</c>s): on a cache shared by a group, another user must be able to open the
    /// lock to wait on it — Python fails with <c>PermissionError</c> on a <c>0644</c> lock file it does not own. Bits are
    /// only added (a shared-store entry's lock is <c>0666</c>). Best effort: only the owner may change the mode.
    /// </summary>
    private static void MakeGroupWritable(FileStream stream)
    {
        if (OperatingSystem.IsWindows()) return;
        try
        {
            UnixFileMode mode = File.GetUnixFileMode(stream.SafeFileHandle);
            if ((mode & LockFileMode) != LockFileMode) File.SetUnixFileMode(stream.SafeFileHandle, mode | LockFileMode);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Another user's lock file: it keeps the mode its creator gave it.
        }
    }

    private const UnixFileMode LockFileMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead;

    public void Dispose() => _stream?.Dispose();
}
