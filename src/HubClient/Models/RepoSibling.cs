using System.Text.Json;
using System.Text.Json.Serialization;

namespace HubClient;

/// <summary>A file listed in <see cref="RepoInfo.Siblings"/>.</summary>
public sealed class RepoSibling
{
    private IDictionary<string, JsonElement>? _additionalProperties;

    /// <summary>The file's path in the repository (<c>rfilename</c>).</summary>
    [JsonPropertyName("rfilename")]
    public required string Path { get; init; }

    /// <summary>The size in bytes (only when file metadata was asked for).</summary>
    [JsonPropertyName("size")]
    public long? Size { get; init; }

    /// <summary>The git blob id, SHA-1 (only when file metadata was asked for).</summary>
    [JsonPropertyName("blobId")]
    public string? BlobId { get; init; }

    /// <summary>The LFS pointer details, for LFS files (only when file metadata was asked for).</summary>
    [JsonPropertyName("lfs")]
    public LfsInfo? Lfs { get; init; }

    /// <summary>Fields the hub sent that this version of HubClient does not know, as raw JSON.</summary>
    [JsonExtensionData]
    [JsonInclude]
    public IDictionary<string, JsonElement> AdditionalProperties
    {
        get => _additionalProperties ??= new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        internal set => _additionalProperties = value;
    }
}
