using System.Text.Json.Serialization;

namespace HubClient;

/// <summary>What the hub says about a Space (<c>GET /api/spaces/…</c>).</summary>
public sealed class SpaceInfo : RepoInfo
{
    private readonly IReadOnlyList<string>? _models;
    private readonly IReadOnlyList<string>? _datasets;

    /// <summary>The SDK the Space runs on: <c>gradio</c>, <c>streamlit</c>, <c>docker</c>, <c>static</c>.</summary>
    [JsonPropertyName("sdk")]
    public string? Sdk { get; init; }

    /// <summary>The Space's own host name, when it runs.</summary>
    [JsonPropertyName("host")]
    public string? Host { get; init; }

    /// <summary>The models the Space uses.</summary>
    [JsonPropertyName("models")]
    public IReadOnlyList<string> Models
    {
        get => _models ?? [];
        init => _models = value;
    }

    /// <summary>The datasets the Space uses.</summary>
    [JsonPropertyName("datasets")]
    public IReadOnlyList<string> Datasets
    {
        get => _datasets ?? [];
        init => _datasets = value;
    }
}
