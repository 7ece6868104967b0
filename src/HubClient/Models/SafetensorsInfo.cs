using System.Text.Json.Serialization;

namespace HubClient;

/// <summary>Parameter counts the hub read from a model's safetensors weights.</summary>
public sealed class SafetensorsInfo
{
    /// <summary>Parameters per data type (<c>F32</c>, <c>BF16</c>, …).</summary>
    [JsonPropertyName("parameters")]
    public IReadOnlyDictionary<string, long> Parameters { get; init; } = new Dictionary<string, long>();

    /// <summary>All parameters.</summary>
    [JsonPropertyName("total")]
    public required long Total { get; init; }
}
