namespace HubClient;

/// <summary>One tensor of a safetensors header: <c>{"dtype": "F16", "shape": [4096, 4096], "data_offsets": [begin, end]}</c>.</summary>
public sealed class SafetensorsTensorInfo
{
    internal SafetensorsTensorInfo(string dtype, IReadOnlyList<long> shape, long dataStart, long dataEnd, long parameterCount)
    {
        Dtype = dtype;
        Shape = shape;
        DataStart = dataStart;
        DataEnd = dataEnd;
        ParameterCount = parameterCount;
    }

    /// <summary>The element type as the header names it: <c>F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL, F8_E4M3, …</c>.</summary>
    public string Dtype { get; }

    /// <summary>The dimensions, outermost first; empty for a scalar.</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>Where the tensor's bytes begin, relative to the byte after the header (as <c>data_offsets[0]</c>).</summary>
    public long DataStart { get; }

    /// <summary>Where the tensor's bytes end (exclusive), relative to the byte after the header (as <c>data_offsets[1]</c>).</summary>
    public long DataEnd { get; }

    /// <summary>The number of elements: the product of <see cref="Shape"/> (1 for a scalar).</summary>
    public long ParameterCount { get; }
}
