using System.Text.Json.Serialization;

namespace HubClient;

/// <summary>An author of a commit.</summary>
public sealed class CommitAuthor
{
    /// <summary>The hub user name.</summary>
    [JsonPropertyName("user")]
    public required string User { get; init; }

    /// <summary>The URL of the user's avatar, when the hub sends it.</summary>
    [JsonPropertyName("avatar")]
    public string? Avatar { get; init; }
}
