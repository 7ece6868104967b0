using System.Text.Json.Serialization;

namespace HubClient;

/// <summary>The last commit that changed a file or folder, as tree listings report it with <c>expand</c>.</summary>
public sealed class LastCommitInfo
{
    private readonly string? _title;

    /// <summary>The commit id (40 hex).</summary>
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>The commit title.</summary>
    [JsonPropertyName("title")]
    public string Title
    {
        get => _title ?? "";
        init => _title = value;
    }

    /// <summary>The commit date.</summary>
    [JsonPropertyName("date")]
    public DateTimeOffset? Date { get; init; }
}
