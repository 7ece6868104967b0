namespace HubClient;

/// <summary>Options for <see cref="HubApi.GetFileMetadataAsync"/>.</summary>
public sealed class FileMetadataOptions
{
    /// <summary>The repository type. Default <see cref="RepoType.Model"/>.</summary>
    public RepoType RepoType { get; set; } = RepoType.Model;

    /// <summary>A branch, tag or 40-hex commit. Default <c>main</c>.</summary>
    public string? Revision { get; set; }
}
