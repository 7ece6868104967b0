using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace HubClient.Tests.Inspection;

/// <summary>
/// Writes safetensors files by the format's published rules: 8-byte little-endian header length N, N bytes of JSON
/// (<c>__metadata__</c> first when given, tensors with dtype, shape, data_offsets; padded with spaces to a multiple of 8),
/// then the data.
/// </summary>
public sealed class SafetensorsWriter
{
    private static readonly Dictionary<string, int> DtypeSizes = new() { ["F32"] = 4, ["F16"] = 2, ["BF16"] = 2, ["I64"] = 8, ["U8"] = 1, ["BOOL"] = 1 };
    private readonly List<(string Name, string Dtype, long[] Shape)> _tensors = [];
    private readonly Dictionary<string, string> _metadata = [];

    public SafetensorsWriter Tensor(string name, string dtype, params long[] shape)
    {
        _tensors.Add((name, dtype, shape));
        return this;
    }

    public SafetensorsWriter Metadata(string key, string value)
    {
        _metadata[key] = value;
        return this;
    }

    /// <summary>The header JSON (padded), the length prefix, then zeroed data of the tensors' sizes plus <paramref name="extraData"/> bytes.</summary>
    public byte[] Build(long extraData = 0)
    {
        byte[] header = HeaderJson(out long dataSize);
        long total = 8 + header.Length + dataSize + extraData;
        byte[] file = new byte[total];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)header.Length);
        header.CopyTo(file, 8);
        return file;
    }

    public byte[] HeaderJson(out long dataSize)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            if (_metadata.Count > 0)
            {
                w.WriteStartObject("__metadata__");
                foreach ((string key, string value) in _metadata) w.WriteString(key, value);
                w.WriteEndObject();
            }
            long offset = 0;
            foreach ((string name, string dtype, long[] shape) in _tensors)
            {
                long bytes = shape.Aggregate(1L, (a, b) => a * b) * DtypeSizes[dtype];
                w.WriteStartObject(name);
                w.WriteString("dtype", dtype);
                w.WriteStartArray("shape");
                foreach (long d in shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + bytes);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += bytes;
            }
            w.WriteEndObject();
            dataSize = offset;
        }
        var json = new StringBuilder(Encoding.UTF8.GetString(stream.ToArray()));
        while (json.Length % 8 != 0) json.Append(' ');
        return Encoding.UTF8.GetBytes(json.ToString());
    }

    /// <summary>A file whose length prefix says <paramref name="declared"/> while the JSON is <paramref name="json"/>, followed by <paramref name="data"/> bytes.</summary>
    public static byte[] Raw(ulong declared, string json, int data = 0)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(json);
        byte[] file = new byte[8 + bytes.Length + data];
        BinaryPrimitives.WriteUInt64LittleEndian(file, declared);
        bytes.CopyTo(file, 8);
        return file;
    }
}
