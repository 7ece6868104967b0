using System.Text.Json;
using System.Text.Json.Serialization;

namespace HubClient;

/// <summary>A commit in a repository's history (<c>GET /api/{type}s/{repo}/commits/{rev}</c>).</summary>
public sealed class CommitInfo
{
    private readonly IReadOnlyList<CommitAuthor>? _authors;
    private readonly string? _title;
    private readonly string? _message;
    private IDictionary<string, JsonElement>? _additionalProperties;

    /// <summary>The commit id (40 hex).</summary>
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>Who made the commit.</summary>
    [JsonPropertyName("authors")]
    public IReadOnlyList<CommitAuthor> Authors
    {
        get => _authors ?? [];
        init => _authors = value;
    }

    /// <summary>When the commit was made.</summary>
    [JsonPropertyName("date")]
    public required DateTimeOffset Date { get; init; }

    /// <summary>The first line of the commit message.</summary>
    [JsonPropertyName("title")]
    public string Title
    {
        get => _title ?? "";
        init => _title = value;
    }

    /// <summary>The rest of the commit message.</summary>
    [JsonPropertyName("message")]
    public string Message
    {
        get => _message ?? "";
        init => _message = value;
    }

    /// <summary>Fields the hub sent that this version of HubClient does not know, as raw JSON.</summary>
    [JsonExtensionData]
    [JsonInclude]
    public IDictionary<string, JsonElement> AdditionalProperties
    {
        get => _additionalProperties ??= new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        internal set => _additionalProperties = value;
    }
}
