using System.Text.Json.Serialization;

namespace HubClient;

/// <summary>What the hub says about a model repository (<c>GET /api/models/…</c>).</summary>
public sealed class ModelInfo : RepoInfo
{
    /// <summary>Downloads over the last 30 days.</summary>
    [JsonPropertyName("downloads")]
    public long? Downloads { get; init; }

    /// <summary>Downloads since the repository was created (with <c>Expand</c> <c>downloadsAllTime</c>).</summary>
    [JsonPropertyName("downloadsAllTime")]
    public long? DownloadsAllTime { get; init; }

    /// <summary>The task, such as <c>text-classification</c>.</summary>
    [JsonPropertyName("pipeline_tag")]
    public string? PipelineTag { get; init; }

    /// <summary>The library, such as <c>transformers</c>.</summary>
    [JsonPropertyName("library_name")]
    public string? LibraryName { get; init; }

    /// <summary>Parameter counts of the safetensors weights, when the hub has read them.</summary>
    [JsonPropertyName("safetensors")]
    public SafetensorsInfo? Safetensors { get; init; }
}
