using System.Text.Json;
using System.Text.Json.Serialization;

namespace HubClient;

/// <summary>
/// What the hub says about a repository: <see cref="ModelInfo"/>, <see cref="DatasetInfo"/> or <see cref="SpaceInfo"/>.
/// Listings report only some fields (see <c>Full</c> and <c>Expand</c> of the search options); a field the hub did not
/// send is null (or empty for lists).
/// </summary>
public abstract class RepoInfo
{
    // Defaults live in the getters: the source-generated deserializer assigns every init-only property, null when absent.
    private readonly IReadOnlyList<string>? _tags;
    private readonly IReadOnlyList<RepoSibling>? _siblings;
    private IDictionary<string, JsonElement>? _additionalProperties;

    /// <summary>For derived types.</summary>
    protected RepoInfo() { }

    /// <summary>The repository id, <c>namespace/name</c> (or <c>name</c>).</summary>
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>The user or organization owning the repository.</summary>
    [JsonPropertyName("author")]
    public string? Author { get; init; }

    /// <summary>
    /// The commit the revision resolved to (40 hex). Always set by <see cref="HubApi.GetRepoInfoAsync"/>; in listings only
    /// with <c>Full</c> or <c>Expand</c> <c>sha</c>.
    /// </summary>
    [JsonPropertyName("sha")]
    public string? Sha { get; init; }

    /// <summary>The date of the last commit.</summary>
    [JsonPropertyName("lastModified")]
    public DateTimeOffset? LastModified { get; init; }

    /// <summary>When the repository was created.</summary>
    [JsonPropertyName("createdAt")]
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>Whether the repository is private.</summary>
    [JsonPropertyName("private")]
    public bool? IsPrivate { get; init; }

    /// <summary>Whether access must be requested, and how it is granted.</summary>
    [JsonPropertyName("gated")]
    public RepoGating? Gated { get; init; }

    /// <summary>Whether the repository has been disabled.</summary>
    [JsonPropertyName("disabled")]
    public bool? IsDisabled { get; init; }

    /// <summary>Number of likes.</summary>
    [JsonPropertyName("likes")]
    public long? Likes { get; init; }

    /// <summary>The hub's trending score.</summary>
    [JsonPropertyName("trendingScore")]
    public long? TrendingScore { get; init; }

    /// <summary>The tags, including those the hub derives (library, license, arXiv…).</summary>
    [JsonPropertyName("tags")]
    public IReadOnlyList<string> Tags
    {
        get => _tags ?? [];
        init => _tags = value;
    }

    /// <summary>The files at this revision; sizes, blob ids and LFS details only when file metadata was asked for.</summary>
    [JsonPropertyName("siblings")]
    public IReadOnlyList<RepoSibling> Siblings
    {
        get => _siblings ?? [];
        init => _siblings = value;
    }

    /// <summary>The metadata block of the repository card (README front matter), as raw JSON.</summary>
    [JsonPropertyName("cardData")]
    public JsonElement? CardData { get; init; }

    /// <summary>Bytes the repository uses on the hub (all revisions, LFS included).</summary>
    [JsonPropertyName("usedStorage")]
    public long? UsedStorage { get; init; }

    /// <summary>Fields the hub sent that this version of HubClient does not know, as raw JSON.</summary>
    [JsonExtensionData]
    [JsonInclude]
    public IDictionary<string, JsonElement> AdditionalProperties
    {
        get => _additionalProperties ??= new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        internal set => _additionalProperties = value;
    }
}
