using System.Text.Json.Serialization;

namespace HubClient;

/// <summary>How an LFS file is stored: the SHA-256 of its content, its size and the size of its git pointer.</summary>
public sealed class LfsInfo
{
    private readonly string? _oid;
    private readonly string? _sha256;

    /// <summary>The SHA-256 of the file's content (64 hex), which names the blob in the cache.</summary>
    [JsonPropertyName("oid")]
    public string Oid
    {
        get => _oid ?? _sha256 ?? "";
        init => _oid = value;
    }

    /// <summary>The file's size in bytes.</summary>
    [JsonPropertyName("size")]
    public required long Size { get; init; }

    /// <summary>The size of the git pointer file that stands for it in the repository.</summary>
    [JsonPropertyName("pointerSize")]
    public long? PointerSize { get; init; }

    /// <summary>Repo info names the SHA-256 <c>sha256</c> where tree listings name it <c>oid</c>.</summary>
    [JsonInclude]
    [JsonPropertyName("sha256")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    internal string? Sha256
    {
        get => null;
        init => _sha256 = value;
    }
}
