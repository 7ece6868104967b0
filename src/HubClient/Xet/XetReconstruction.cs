using System.Text.Json.Serialization;

namespace HubClient.Xet;

/// <summary>
/// <c>GET /v2/reconstructions/{file_hash}</c>: the terms that make up the file and where to fetch each xorb's bytes
/// (xet-core <c>openapi/cas.openapi.yaml</c>, <c>QueryReconstructionResponseV2</c>).
/// </summary>
internal sealed class XetReconstructionV2
{
    [JsonPropertyName("offset_into_first_range")]
    public long OffsetIntoFirstRange { get; set; }

    [JsonPropertyName("terms")]
    public List<XetReconstructionTerm> Terms { get; set; } = [];

    [JsonPropertyName("xorbs")]
    public Dictionary<string, List<XetMultiRangeFetch>> Xorbs { get; set; } = [];
}

/// <summary>One term: chunks [start, end) of a xorb, <c>unpacked_length</c> bytes once decoded.</summary>
internal sealed class XetReconstructionTerm
{
    [JsonPropertyName("hash")]
    public string Hash { get; set; } = "";

    [JsonPropertyName("unpacked_length")]
    public long UnpackedLength { get; set; }

    [JsonPropertyName("range")]
    public XetIndexRange Range { get; set; } = new();
}

/// <summary>A range of chunk indices (end exclusive) or of bytes (end inclusive), as the CAS writes them.</summary>
internal sealed class XetIndexRange
{
    [JsonPropertyName("start")]
    public long Start { get; set; }

    [JsonPropertyName("end")]
    public long End { get; set; }
}

/// <summary>A signed xorb URL with the ranges it may be fetched with (all in one request, or any subset, each exact).</summary>
internal sealed class XetMultiRangeFetch
{
    [JsonPropertyName("url")]
    public string Url { get; set; } = "";

    [JsonPropertyName("ranges")]
    public List<XetFetchRange> Ranges { get; set; } = [];
}

/// <summary>Chunks [start, end) of a xorb stored at bytes [start, end] (end inclusive) of the xorb URL.</summary>
internal sealed class XetFetchRange
{
    [JsonPropertyName("chunks")]
    public XetIndexRange Chunks { get; set; } = new();

    [JsonPropertyName("bytes")]
    public XetIndexRange Bytes { get; set; } = new();
}

/// <summary><c>GET /v1/reconstructions/{file_hash}</c>: one URL per fetch range (<c>QueryReconstructionResponse</c>).</summary>
internal sealed class XetReconstructionV1
{
    [JsonPropertyName("offset_into_first_range")]
    public long OffsetIntoFirstRange { get; set; }

    [JsonPropertyName("terms")]
    public List<XetReconstructionTerm> Terms { get; set; } = [];

    [JsonPropertyName("fetch_info")]
    public Dictionary<string, List<XetFetchInfoV1>> FetchInfo { get; set; } = [];
}

/// <summary>A v1 fetch entry: chunks <c>range</c> at bytes <c>url_range</c> (end inclusive) of <c>url</c>.</summary>
internal sealed class XetFetchInfoV1
{
    [JsonPropertyName("range")]
    public XetIndexRange Range { get; set; } = new();

    [JsonPropertyName("url")]
    public string Url { get; set; } = "";

    [JsonPropertyName("url_range")]
    public XetIndexRange UrlRange { get; set; } = new();
}

/// <summary>The hub's <c>xet-read-token</c> answer.</summary>
internal sealed class XetReadTokenResponse
{
    [JsonPropertyName("accessToken")]
    public string AccessToken { get; set; } = "";

    [JsonPropertyName("exp")]
    public long Exp { get; set; }

    [JsonPropertyName("casUrl")]
    public string CasUrl { get; set; } = "";
}
