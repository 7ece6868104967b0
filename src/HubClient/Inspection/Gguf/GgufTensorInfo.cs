namespace HubClient;

/// <summary>One tensor described in a GGUF header.</summary>
public sealed class GgufTensorInfo
{
    internal GgufTensorInfo(string name, IReadOnlyList<ulong> shape, GgmlType type, ulong offset)
    {
        Name = name;
        Shape = shape;
        Type = type;
        Offset = offset;
    }

    /// <summary>The tensor's name, e.g. <c>blk.0.attn_q.weight</c>.</summary>
    public string Name { get; }

    /// <summary>The dimensions in file order (ggml's <c>ne[0]</c>, the innermost, first); at most 4 of them.</summary>
    public IReadOnlyList<ulong> Shape { get; }

    /// <summary>The element or quantisation type.</summary>
    public GgmlType Type { get; }

    /// <summary>Where the tensor's data begins, in bytes from the start of the data section (<see cref="GgufMetadata.DataOffset"/>).</summary>
    public ulong Offset { get; }

    /// <summary>The number of elements: the product of <see cref="Shape"/>.</summary>
    public ulong ElementCount => Shape.Aggregate(1UL, (count, dimension) => count * dimension);
}
