namespace HubClient;

/// <summary>
/// Whether a partial download in a repo's <c>blobs/</c> is superseded: its blob <c>blobs/{etag}</c> has been published
/// since (by another process or client), so nobody resumes it. The blob must read as a file (a link into the shared store
/// whose entry is gone does not count) at least as long as the partial; otherwise the download that left the partial would
/// still resume it, and it is not superseded.
/// </summary>
internal static class SupersededPartial
{
    public static bool Check(string partialPath)
    {
        try
        {
            var partial = new FileInfo(partialPath);
            var blob = new FileInfo(Path.Combine(partial.DirectoryName!, RepoCacheLayout.EtagOf(partial.Name)));
            FileInfo? content = blob.LinkTarget is null ? blob : blob.ResolveLinkTarget(returnFinalTarget: true) as FileInfo;
            return partial.Exists && content is { Exists: true } && content.Length >= partial.Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
