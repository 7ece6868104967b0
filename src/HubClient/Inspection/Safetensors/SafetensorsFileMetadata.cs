namespace HubClient;

/// <summary>
/// The header of one <c>.safetensors</c> file: an 8-byte little-endian length N, then N bytes of JSON mapping tensor names
/// to <see cref="SafetensorsTensorInfo"/>, with an optional <c>__metadata__</c> object of strings
/// (format: https://github.com/huggingface/safetensors#format).
/// </summary>
public sealed class SafetensorsFileMetadata
{
    internal SafetensorsFileMetadata(IReadOnlyDictionary<string, string> metadata, IReadOnlyDictionary<string, SafetensorsTensorInfo> tensors, long headerSize, string path)
    {
        Metadata = metadata;
        Tensors = tensors;
        HeaderSize = headerSize;
        ParameterCount = SafetensorsParameterCounts.ByDtype(tensors.Values, path);
    }

    /// <summary>The <c>__metadata__</c> entries (empty when absent), e.g. <c>{"format": "pt"}</c>.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensors by name, in header order.</summary>
    public IReadOnlyDictionary<string, SafetensorsTensorInfo> Tensors { get; }

    /// <summary>N, the JSON header's length in bytes (the tensor data starts at byte <c>8 + N</c>).</summary>
    public long HeaderSize { get; }

    /// <summary>Parameters (elements) per dtype, e.g. <c>{"F16": 6738415616}</c>.</summary>
    public IReadOnlyDictionary<string, long> ParameterCount { get; }
}
