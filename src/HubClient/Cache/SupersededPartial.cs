namespace HubClient;

/// <summary>
/// Whether a partial download in a repo's <c>blobs/</c> is superseded: its blob <c>blobs/{etag}</c> has been published
/// since (by another process or client), so nobody resumes it. Only a preallocated partial (<c>{etag}.chunked.incomplete</c>,
/// <c>{etag}.xet.incomplete</c>) knows the file's size: it is superseded when the blob reads as a file of exactly that size
/// (a link into the shared store whose entry is gone, or a truncated blob, does not count — the download would resume the
/// partial; <see cref="EntryPresence"/> is the downloader's own test). A prefix partial (<c>{etag}.incomplete</c>, Python's temp files) cannot tell a complete blob from a truncated
/// one, so it is never superseded: it goes by age.
/// </summary>
internal static class SupersededPartial
{
    public static bool Check(string partialPath)
    {
        string name = Path.GetFileName(partialPath);
        if (!name.EndsWith(RepoCacheLayout.ChunkedPartialSuffix, StringComparison.Ordinal)
            && !name.EndsWith(RepoCacheLayout.XetPartialSuffix, StringComparison.Ordinal))
        {
            return false;
        }
        var partial = new FileInfo(partialPath);
        return partial.Exists && EntryPresence.IsPresent(Path.Combine(partial.DirectoryName!, RepoCacheLayout.EtagOf(name)), partial.Length);
    }
}
