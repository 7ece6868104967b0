using System.Text.Json;
using System.Text.Json.Serialization;

namespace HubClient;

/// <summary>An entry of a repository tree listing: a <see cref="RepoFile"/> or a <see cref="RepoFolder"/>.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(RepoFile), "file")]
[JsonDerivedType(typeof(RepoFolder), "directory")]
public abstract class RepoTreeEntry
{
    private IDictionary<string, JsonElement>? _additionalProperties;

    /// <summary>For derived types.</summary>
    protected RepoTreeEntry() { }

    /// <summary>The path from the repository root, '/'-separated (checked to be a safe relative path).</summary>
    [JsonPropertyName("path")]
    public required string Path { get; init; }

    /// <summary>The git object id (SHA-1): the blob id of a file, the tree id of a folder.</summary>
    [JsonPropertyName("oid")]
    public required string Oid { get; init; }

    /// <summary>The last commit that changed this path (only when listed with <c>expand</c>).</summary>
    [JsonPropertyName("lastCommit")]
    public LastCommitInfo? LastCommit { get; init; }

    /// <summary>Fields the hub sent that this version of HubClient does not know, as raw JSON.</summary>
    [JsonExtensionData]
    [JsonInclude]
    public IDictionary<string, JsonElement> AdditionalProperties
    {
        get => _additionalProperties ??= new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        internal set => _additionalProperties = value;
    }
}
