using System.Text.Json.Serialization;

namespace HubClient;

/// <summary>Parameter counts the hub read from a model's safetensors weights.</summary>
public sealed class SafetensorsInfo
{
    private static readonly IReadOnlyDictionary<string, long> EmptyParameters = new Dictionary<string, long>();
    private readonly IReadOnlyDictionary<string, long>? _parameters;

    /// <summary>Parameters per data type (<c>F32</c>, <c>BF16</c>, …).</summary>
    [JsonPropertyName("parameters")]
    public IReadOnlyDictionary<string, long> Parameters
    {
        get => _parameters ?? EmptyParameters;
        init => _parameters = value;
    }

    /// <summary>All parameters.</summary>
    [JsonPropertyName("total")]
    public required long Total { get; init; }
}
