using System.Text.Json.Serialization;

namespace HubClient.Xet;

/// <summary>
/// The reconstruction a held Xet blob was assembled from, kept beside the cache so a later download can copy the chunks it
/// shares instead of fetching them (<c>{repo folder}/xet/{etag}.json</c>; format in <c>docs/XET_DELTA.md</c>).
/// </summary>
internal sealed class XetBlobRecord
{
    public const int CurrentFormat = 1;

    [JsonPropertyName("format_version")]
    public int FormatVersion { get; set; } = CurrentFormat;

    /// <summary>The blob's Xet file hash.</summary>
    [JsonPropertyName("xet_hash")]
    public string XetHash { get; set; } = "";

    /// <summary>The blob's size in bytes.</summary>
    [JsonPropertyName("size")]
    public long Size { get; set; }

    /// <summary>The blob's etag (its SHA-256, the blob's name).</summary>
    [JsonPropertyName("etag")]
    public string Etag { get; set; } = "";

    /// <summary>The terms in file order.</summary>
    [JsonPropertyName("terms")]
    public List<XetBlobRecordTerm> Terms { get; set; } = [];
}

/// <summary>
/// One term of a held blob: chunks [ChunkStart, ChunkEnd) of <see cref="Xorb"/>, at bytes [Offset, Offset + Length) of the
/// blob, with each chunk's Xet chunk hash and unpacked size (so any sub-range can be located and verified).
/// </summary>
internal sealed class XetBlobRecordTerm
{
    [JsonPropertyName("xorb")]
    public string Xorb { get; set; } = "";

    [JsonPropertyName("chunk_start")]
    public int ChunkStart { get; set; }

    [JsonPropertyName("chunk_end")]
    public int ChunkEnd { get; set; }

    [JsonPropertyName("offset")]
    public long Offset { get; set; }

    [JsonPropertyName("length")]
    public long Length { get; set; }

    [JsonPropertyName("chunk_hashes")]
    public List<XetHash> ChunkHashes { get; set; } = [];

    [JsonPropertyName("chunk_sizes")]
    public List<long> ChunkSizes { get; set; } = [];
}
