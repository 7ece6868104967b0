using System.Buffers.Binary;
using System.Text;

namespace HubClient.Tests.Inspection;

/// <summary>An array value for <see cref="GgufWriter"/>: its element type and items (CLR values, or nested <see cref="GgufArray"/>s).</summary>
public sealed record GgufArray(GgufValueType ElementType, IReadOnlyList<object> Items);

/// <summary>
/// Writes GGUF files (v2/v3, little-endian) from the spec (ggml docs/gguf.md), independently of the reader: header,
/// key/values, tensor infos, padding to the alignment, then tensor data of the given sizes.
/// </summary>
public sealed class GgufWriter
{
    private readonly List<(string Key, GgufValueType Type, object Value)> _metadata = [];
    private readonly List<(string Name, ulong[] Shape, uint Type, int DataBytes)> _tensors = [];

    public GgufWriter(uint version = 3, uint alignment = 32)
    {
        Version = version;
        Alignment = alignment;
    }

    public uint Version { get; }

    public uint Alignment { get; }

    public GgufWriter Add(string key, GgufValueType type, object value)
    {
        _metadata.Add((key, type, value));
        return this;
    }

    public GgufWriter Tensor(string name, ulong[] shape, GgmlType type, int dataBytes = 64)
    {
        _tensors.Add((name, shape, (uint)type, dataBytes));
        return this;
    }

    public byte[] Build()
    {
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true); // BinaryWriter is little-endian on every platform.
        w.Write("GGUF"u8);
        w.Write(Version);
        w.Write((ulong)_tensors.Count);
        w.Write((ulong)_metadata.Count);
        foreach ((string key, GgufValueType type, object value) in _metadata)
        {
            WriteString(w, key);
            w.Write((uint)type);
            WriteValue(w, type, value);
        }
        ulong offset = 0;
        foreach ((string name, ulong[] shape, uint type, int dataBytes) in _tensors)
        {
            WriteString(w, name);
            w.Write((uint)shape.Length);
            foreach (ulong dimension in shape) w.Write(dimension);
            w.Write(type);
            w.Write(offset);
            offset += Align((ulong)dataBytes);
        }
        w.Flush();
        while (stream.Length % Alignment != 0) stream.WriteByte(0);
        var random = new Random(7);
        foreach ((_, _, _, int dataBytes) in _tensors)
        {
            byte[] data = new byte[Align((ulong)dataBytes)];
            random.NextBytes(data.AsSpan(0, dataBytes));
            stream.Write(data);
        }
        return stream.ToArray();
    }

    private ulong Align(ulong size) => (size + Alignment - 1) / Alignment * Alignment;

    private static void WriteString(BinaryWriter w, string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }

    private static void WriteValue(BinaryWriter w, GgufValueType type, object value)
    {
        switch (type)
        {
            case GgufValueType.UInt8: w.Write((byte)value); break;
            case GgufValueType.Int8: w.Write((sbyte)value); break;
            case GgufValueType.UInt16: w.Write((ushort)value); break;
            case GgufValueType.Int16: w.Write((short)value); break;
            case GgufValueType.UInt32: w.Write((uint)value); break;
            case GgufValueType.Int32: w.Write((int)value); break;
            case GgufValueType.Float32: w.Write((float)value); break;
            case GgufValueType.Bool: w.Write((bool)value ? (byte)1 : (byte)0); break;
            case GgufValueType.String: WriteString(w, (string)value); break;
            case GgufValueType.UInt64: w.Write((ulong)value); break;
            case GgufValueType.Int64: w.Write((long)value); break;
            case GgufValueType.Float64: w.Write((double)value); break;
            case GgufValueType.Array:
                var array = (GgufArray)value;
                w.Write((uint)array.ElementType);
                w.Write((ulong)array.Items.Count);
                foreach (object item in array.Items) WriteValue(w, array.ElementType, item);
                break;
            default: throw new ArgumentOutOfRangeException(nameof(type));
        }
    }

    /// <summary>Overwrites 8 bytes at <paramref name="offset"/> with a little-endian value (to forge hostile headers).</summary>
    public static void Patch(byte[] file, int offset, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(offset), value);
}
