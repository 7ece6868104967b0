namespace HubClient;

/// <summary>
/// One GGUF metadata value with its type. <see cref="Value"/> holds: <see cref="byte"/>, <see cref="sbyte"/>,
/// <see cref="ushort"/>, <see cref="short"/>, <see cref="uint"/>, <see cref="int"/>, <see cref="float"/>, <see cref="bool"/>,
/// <see cref="string"/>, <see cref="ulong"/>, <see cref="long"/> or <see cref="double"/> as <see cref="Type"/> says; for
/// an <see cref="GgufValueType.Array"/>, a CLR array of the element type (<c>uint[]</c>, <c>string[]</c>, …), or a
/// <see cref="GgufMetadataValue"/>[] when the elements are arrays themselves.
/// </summary>
public sealed class GgufMetadataValue
{
    internal GgufMetadataValue(GgufValueType type, object value, GgufValueType? arrayElementType = null)
    {
        Type = type;
        Value = value;
        ArrayElementType = arrayElementType;
    }

    /// <summary>The value's type.</summary>
    public GgufValueType Type { get; }

    /// <summary>The value (see the class remarks for the CLR type of each <see cref="GgufValueType"/>).</summary>
    public object Value { get; }

    /// <summary>For an array, its elements' type; otherwise null.</summary>
    public GgufValueType? ArrayElementType { get; }

    /// <summary>The value as an unsigned 64-bit integer when it is a non-negative integer of any width; otherwise null.</summary>
    public ulong? AsUInt64() => Value switch
    {
        byte v => v,
        ushort v => v,
        uint v => v,
        ulong v => v,
        sbyte v when v >= 0 => (ulong)v,
        short v when v >= 0 => (ulong)v,
        int v when v >= 0 => (ulong)v,
        long v when v >= 0 => (ulong)v,
        _ => null,
    };

    /// <inheritdoc/>
    public override string ToString() => Value switch
    {
        string s => s,
        Array a => $"[{a.Length} × {ArrayElementType}]",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => Value.ToString() ?? "",
    };
}
