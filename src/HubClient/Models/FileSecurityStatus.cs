using System.Text.Json;
using System.Text.Json.Serialization;

namespace HubClient;

/// <summary>The hub's security scan of a file (antivirus, pickle imports), as tree listings report it with <c>expand</c>.</summary>
public sealed class FileSecurityStatus
{
    /// <summary>The verdict: <c>safe</c>, <c>unsafe</c>, <c>caution</c>, <c>unscanned</c>…</summary>
    [JsonPropertyName("status")]
    public required string Status { get; init; }

    /// <summary>Whether the scan found the file safe.</summary>
    [JsonIgnore]
    public bool IsSafe => Status == "safe";

    /// <summary>The antivirus scan details, as raw JSON.</summary>
    [JsonPropertyName("avScan")]
    public JsonElement? AvScan { get; init; }

    /// <summary>The pickle import scan details, as raw JSON.</summary>
    [JsonPropertyName("pickleImportScan")]
    public JsonElement? PickleImportScan { get; init; }
}
