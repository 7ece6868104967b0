using System.Text.Json.Serialization;

namespace HubClient;

/// <summary>A file in a repository tree.</summary>
public sealed class RepoFile : RepoTreeEntry
{
    /// <summary>The size in bytes (of the content, not of the LFS pointer).</summary>
    [JsonPropertyName("size")]
    public required long Size { get; init; }

    /// <summary>How the file is stored in LFS; null for a regular git file.</summary>
    [JsonPropertyName("lfs")]
    public LfsInfo? Lfs { get; init; }

    /// <summary>The file's hash in Xet storage, when it is stored there.</summary>
    [JsonPropertyName("xetHash")]
    public string? XetHash { get; init; }

    /// <summary>The hub's security scan of the file (only when listed with <c>expand</c>).</summary>
    [JsonPropertyName("securityFileStatus")]
    public FileSecurityStatus? SecurityFileStatus { get; init; }
}
