namespace HubClient;

/// <summary>Finds a file in the cache without the network: the revision resolves through <c>refs/</c> (or is a commit).</summary>
internal static class CacheLookup
{
    public static string? ResolveCommit(RepoCacheLayout layout, string revision)
    {
        if (Revision.IsCommitHash(revision)) return revision;
        try
        {
            string commit = File.ReadAllText(layout.RefPath(revision)).Trim();
            return Revision.IsCommitHash(commit) ? commit : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The snapshot path of a cached file, or null (with whether the hub said it does not exist).</summary>
    public static string? FindFile(RepoCacheLayout layout, string revision, string repoPath, out bool knownMissing)
    {
        knownMissing = false;
        string? commit = ResolveCommit(layout, revision);
        if (commit is null) return null;
        string pointer = layout.SnapshotPath(commit, repoPath);
        if (EntryPresence.IsPresent(pointer, expectedSize: null)) return pointer;
        knownMissing = File.Exists(layout.NoExistPath(commit, repoPath));
        return null;
    }
}
