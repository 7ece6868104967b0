namespace HubClient;

/// <summary>Finds a file in the cache without the network: the revision resolves through <c>refs/</c> (or is a commit).</summary>
internal static class CacheLookup
{
    public static string? ResolveCommit(RepoCacheLayout layout, string revision) =>
        Revision.IsCommitHash(revision) ? revision
        : ReadRef(layout.RefPath(revision)) is { } commit && Revision.IsCommitHash(commit) ? commit
        : null;

    /// <summary>What the ref file at <paramref name="refPath"/> says, trimmed (null when it is absent or unreadable).</summary>
    public static string? ReadRef(string refPath)
    {
        try
        {
            return File.Exists(refPath) ? File.ReadAllText(refPath).Trim() : null;
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
