using System.Text.Json.Serialization;

namespace HubClient;

/// <summary>What the hub says about a dataset repository (<c>GET /api/datasets/…</c>).</summary>
public sealed class DatasetInfo : RepoInfo
{
    /// <summary>Downloads over the last 30 days.</summary>
    [JsonPropertyName("downloads")]
    public long? Downloads { get; init; }

    /// <summary>Downloads since the repository was created (with <c>Expand</c> <c>downloadsAllTime</c>).</summary>
    [JsonPropertyName("downloadsAllTime")]
    public long? DownloadsAllTime { get; init; }

    /// <summary>The description from the dataset card.</summary>
    [JsonPropertyName("description")]
    public string? Description { get; init; }
}
