using System.Text.Json.Serialization;

namespace HubClient;

/// <summary>A branch, tag, convert or pull-request ref of a repository and the commit it points at.</summary>
public sealed class GitRef
{
    /// <summary>The short name, such as <c>main</c> or <c>v1.0</c>.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>The full ref, such as <c>refs/heads/main</c>, <c>refs/tags/v1.0</c> or <c>refs/pr/1</c>.</summary>
    [JsonPropertyName("ref")]
    public required string Ref { get; init; }

    /// <summary>The commit the ref points at (40 hex).</summary>
    [JsonPropertyName("targetCommit")]
    public required string TargetCommit { get; init; }
}
