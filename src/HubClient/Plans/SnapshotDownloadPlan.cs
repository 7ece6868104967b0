namespace HubClient;

/// <summary>
/// What <see cref="HubApi.DownloadSnapshotAsync"/> would do with the same options, computed without writing anything
/// (as <c>hf download --dry-run</c>): the selected files of the commit, their sizes, which are already in place.
/// </summary>
public sealed class SnapshotDownloadPlan
{
    internal SnapshotDownloadPlan(string repoId, RepoType repoType, string commitHash, IReadOnlyList<PlannedFile> files)
    {
        RepoId = repoId;
        RepoType = repoType;
        CommitHash = commitHash;
        Files = files;
    }

    /// <summary>The repository.</summary>
    public string RepoId { get; }

    /// <summary>The repository type.</summary>
    public RepoType RepoType { get; }

    /// <summary>The 40-hex commit the revision resolved to.</summary>
    public string CommitHash { get; }

    /// <summary>The selected files, sorted by path.</summary>
    public IReadOnlyList<PlannedFile> Files { get; }

    /// <summary>The bytes of every selected file.</summary>
    public long TotalBytes => Files.Sum(f => f.Size);

    /// <summary>The files a download would fetch.</summary>
    public int FilesToDownload => Files.Count(f => f.WillDownload);

    /// <summary>The bytes a download would fetch (files already in place cost nothing).</summary>
    public long BytesToDownload => Files.Where(f => f.WillDownload).Sum(f => f.Size);
}
