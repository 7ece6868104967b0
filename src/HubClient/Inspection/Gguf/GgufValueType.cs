namespace HubClient;

/// <summary>The type of a GGUF metadata value, as <c>gguf_type</c> numbers it (ggml's docs/gguf.md).</summary>
#pragma warning disable CA1720 // Names follow the GGUF spec (UINT8, INT32, FLOAT32, STRING, …).
public enum GgufValueType
{
    /// <summary>8-bit unsigned integer (<see cref="byte"/>).</summary>
    UInt8 = 0,
    /// <summary>8-bit signed integer (<see cref="sbyte"/>).</summary>
    Int8 = 1,
    /// <summary>16-bit unsigned integer (<see cref="ushort"/>).</summary>
    UInt16 = 2,
    /// <summary>16-bit signed integer (<see cref="short"/>).</summary>
    Int16 = 3,
    /// <summary>32-bit unsigned integer (<see cref="uint"/>).</summary>
    UInt32 = 4,
    /// <summary>32-bit signed integer (<see cref="int"/>).</summary>
    Int32 = 5,
    /// <summary>IEEE 754 single (<see cref="float"/>).</summary>
    Float32 = 6,
    /// <summary>One byte, 0 or 1 (<see cref="bool"/>).</summary>
    Bool = 7,
    /// <summary>UTF-8 text with a 64-bit length prefix (<see cref="string"/>).</summary>
    String = 8,
    /// <summary>An element type, a 64-bit count, then the elements.</summary>
    Array = 9,
    /// <summary>64-bit unsigned integer (<see cref="ulong"/>).</summary>
    UInt64 = 10,
    /// <summary>64-bit signed integer (<see cref="long"/>).</summary>
    Int64 = 11,
    /// <summary>IEEE 754 double (<see cref="double"/>).</summary>
    Float64 = 12,
}
#pragma warning restore CA1720
