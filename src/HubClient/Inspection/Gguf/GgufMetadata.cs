namespace HubClient;

/// <summary>
/// The header of a GGUF file (format: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md): version, every metadata
/// key/value with its type, and the tensor infos, read without the tensor data.
/// </summary>
public sealed class GgufMetadata
{
    internal GgufMetadata(uint version, IReadOnlyDictionary<string, GgufMetadataValue> metadata, IReadOnlyList<GgufTensorInfo> tensors, long headerSize, long dataOffset)
    {
        Version = version;
        Metadata = metadata;
        Tensors = tensors;
        HeaderSize = headerSize;
        DataOffset = dataOffset;
    }

    /// <summary>The format version: 2 or 3.</summary>
    public uint Version { get; }

    /// <summary>Every metadata key/value, in file order.</summary>
    public IReadOnlyDictionary<string, GgufMetadataValue> Metadata { get; }

    /// <summary>The tensor infos, in file order.</summary>
    public IReadOnlyList<GgufTensorInfo> Tensors { get; }

    /// <summary>The header's size in bytes: magic, counts, metadata and tensor infos.</summary>
    public long HeaderSize { get; }

    /// <summary>Where the tensor data begins in the file: <see cref="HeaderSize"/> rounded up to <see cref="Alignment"/>.</summary>
    public long DataOffset { get; }

    /// <summary><c>general.alignment</c>, 32 when absent.</summary>
    public uint Alignment => Metadata.TryGetValue("general.alignment", out GgufMetadataValue? value) && value.Value is uint alignment ? alignment : GgufReader.DefaultAlignment;

    /// <summary><c>general.architecture</c>, e.g. <c>llama</c>; null when absent.</summary>
    public string? Architecture => Metadata.TryGetValue("general.architecture", out GgufMetadataValue? value) ? value.Value as string : null;

    /// <summary><c>general.name</c>; null when absent.</summary>
    public string? Name => Metadata.TryGetValue("general.name", out GgufMetadataValue? value) ? value.Value as string : null;

    /// <summary><c>{architecture}.context_length</c>, the context the model was trained for, in tokens; null when absent.</summary>
    public ulong? ContextLength =>
        Architecture is { } arch && Metadata.TryGetValue(arch + ".context_length", out GgufMetadataValue? value) ? value.AsUInt64() : null;

    /// <summary><c>general.file_type</c>, llama.cpp's <c>llama_ftype</c> number (15 = Q4_K_M); null when absent.</summary>
    public uint? FileType => Metadata.TryGetValue("general.file_type", out GgufMetadataValue? value) && value.AsUInt64() is { } type && type <= uint.MaxValue ? (uint)type : null;

    /// <summary>
    /// The quantisation <see cref="FileType"/> names (<c>Q4_K_M</c>, <c>F16</c>, …); when the file type is absent, the most
    /// common tensor type; null when neither says.
    /// </summary>
    public string? Quantization => FileType is { } type
        ? GgufFileTypes.Name(type)
        : Tensors.Count == 0 ? null : Tensors.GroupBy(t => t.Type).OrderByDescending(g => g.Count()).First().Key.ToString();

    /// <summary>The number of parameters: the sum of every tensor's element count.</summary>
    public ulong ParameterCount => Tensors.Aggregate(0UL, (sum, tensor) => sum + tensor.ElementCount);
}
