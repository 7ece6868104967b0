namespace HubClient;

/// <summary>
/// What "present" means for every download path: the entry resolves, through any symlinks, to a readable regular file of
/// the expected size. A dangling link (its blob deleted by hand, by <c>HubCache.VerifyAsync</c> or a disk cleaner), a
/// folder, a truncated copy or an unreadable file are absent, so the file is fetched again.
/// </summary>
internal static class EntryPresence
{
    /// <summary>Whether <paramref name="path"/> is present; any size qualifies when <paramref name="expectedSize"/> is null.</summary>
    public static bool IsPresent(string path, long? expectedSize)
    {
        // File.Exists is true for a link, dangling or not, and false (without an exception) for nothing at all: the cheap first cut.
        if (!File.Exists(path)) return false;
        try
        {
            var entry = new FileInfo(path);
            FileInfo? file = entry.LinkTarget is null ? entry : entry.ResolveLinkTarget(returnFinalTarget: true) as FileInfo;
            if (file is null || !file.Exists) return false;
            if (expectedSize is { } size && file.Length != size) return false;
            using (File.OpenHandle(file.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            {
                return true;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // A link loop, or a file we may not read.
        }
    }

    /// <summary>Whether <paramref name="folder"/> exists and holds any entry (false when it cannot be read).</summary>
    public static bool HoldsAnything(string folder)
    {
        try
        {
            return Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
