using System.Text.Json;
using System.Text.Json.Serialization;

namespace HubClient;

/// <summary>The refs of a repository (<c>GET /api/{type}s/{repo}/refs</c>).</summary>
public sealed class GitRefs
{
    private readonly IReadOnlyList<GitRef>? _branches;
    private readonly IReadOnlyList<GitRef>? _tags;
    private readonly IReadOnlyList<GitRef>? _converts;
    private IDictionary<string, JsonElement>? _additionalProperties;

    /// <summary>The branches.</summary>
    [JsonPropertyName("branches")]
    public IReadOnlyList<GitRef> Branches
    {
        get => _branches ?? [];
        init => _branches = value;
    }

    /// <summary>The tags.</summary>
    [JsonPropertyName("tags")]
    public IReadOnlyList<GitRef> Tags
    {
        get => _tags ?? [];
        init => _tags = value;
    }

    /// <summary>The refs the hub uses for converted data (<c>refs/convert/…</c>, such as Parquet exports of datasets).</summary>
    [JsonPropertyName("converts")]
    public IReadOnlyList<GitRef> Converts
    {
        get => _converts ?? [];
        init => _converts = value;
    }

    /// <summary>The pull requests' refs (<c>refs/pr/N</c>); null unless they were asked for.</summary>
    [JsonPropertyName("pullRequests")]
    public IReadOnlyList<GitRef>? PullRequests { get; init; }

    /// <summary>Fields the hub sent that this version of HubClient does not know, as raw JSON.</summary>
    [JsonExtensionData]
    [JsonInclude]
    public IDictionary<string, JsonElement> AdditionalProperties
    {
        get => _additionalProperties ??= new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        internal set => _additionalProperties = value;
    }
}
