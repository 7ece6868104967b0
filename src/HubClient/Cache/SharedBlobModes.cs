namespace HubClient;

/// <summary>
/// The permissions of the shared blob store, derived from the cache root as huggingface_hub's <c>_shared_blobs.py</c> does,
/// so that everyone who can traverse the cache can read every payload: a payload (and the marker) is read-only,
/// <c>0400</c>, plus group read when the root has group execute and other read when it has other execute; a store
/// folder mirrors the root's permission bits including setgid and sticky. Manifests and locks are <c>0666</c> (any cache
/// user appends and locks). On Windows access is governed by ACLs and nothing is changed.
/// </summary>
internal static class SharedBlobModes
{
    /// <summary>Manifests and lock files: anyone who may use the cache appends references and takes locks.</summary>
    public const UnixFileMode Writable =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;

    private const UnixFileMode DirectoryBits = (UnixFileMode)0b111_111_111 | UnixFileMode.SetGroup | UnixFileMode.StickyBit;

    /// <summary>The mode of a payload: <c>0400</c>, <c>g+r</c> if the root is <c>g+x</c>, <c>o+r</c> if the root is <c>o+x</c>.</summary>
    public static UnixFileMode Payload(string cacheRoot)
    {
        if (OperatingSystem.IsWindows()) return UnixFileMode.UserRead | UnixFileMode.UserWrite;
        UnixFileMode root;
        try
        {
            root = File.GetUnixFileMode(cacheRoot);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return UnixFileMode.UserRead;
        }
        return UnixFileMode.UserRead
            | ((root & UnixFileMode.GroupExecute) != 0 ? UnixFileMode.GroupRead : 0)
            | ((root & UnixFileMode.OtherExecute) != 0 ? UnixFileMode.OtherRead : 0);
    }

    /// <summary>The mode of the store folder and its prefix folders: the root's permission, setgid and sticky bits.</summary>
    public static UnixFileMode Directory(string cacheRoot)
    {
        if (OperatingSystem.IsWindows()) return DirectoryBits;
        try
        {
            return File.GetUnixFileMode(cacheRoot) & DirectoryBits;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        }
    }

    /// <summary>Sets <paramref name="path"/> (a file) to the payload mode. Throws when it cannot.</summary>
    public static void MakePayload(string path, string cacheRoot)
    {
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, Payload(cacheRoot));
    }

    /// <summary>Gives a store folder the root's mode when it differs. Throws when it cannot.</summary>
    public static void RepairDirectory(string path, string cacheRoot)
    {
        if (OperatingSystem.IsWindows()) return;
        UnixFileMode expected = Directory(cacheRoot);
        if ((File.GetUnixFileMode(path) & DirectoryBits) != expected) File.SetUnixFileMode(path, expected);
    }

    /// <summary>Best effort <c>0666</c> on a manifest or lock file (as Python's <c>fchmod</c>; the umask would narrow it).</summary>
    public static void TryMakeWritable(string path)
    {
        if (OperatingSystem.IsWindows()) return;
        try
        {
            File.SetUnixFileMode(path, Writable);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Another user's file: it already has the mode its creator gave it.
        }
    }
}
