namespace HubClient;

/// <summary>One file of a <see cref="SnapshotDownloadPlan"/> (huggingface_hub's <c>DryRunFileInfo</c>).</summary>
public sealed class PlannedFile
{
    internal PlannedFile(string path, long size, string localPath, bool isCached, bool willDownload)
    {
        Path = path;
        Size = size;
        LocalPath = localPath;
        IsCached = isCached;
        WillDownload = willDownload;
    }

    /// <summary>The file's path in the repository.</summary>
    public string Path { get; }

    /// <summary>The content's size in bytes (an LFS file's real size, not its pointer's).</summary>
    public long Size { get; }

    /// <summary>Where the download would place it: its snapshot path in the cache, or its path in the local directory.</summary>
    public string LocalPath { get; }

    /// <summary>Whether it is already in place: that entry resolves to a readable regular file of <see cref="Size"/> bytes.</summary>
    public bool IsCached { get; }

    /// <summary>Whether a download would fetch it: not cached, or <see cref="SnapshotDownloadOptions.ForceDownload"/>.</summary>
    public bool WillDownload { get; }
}
