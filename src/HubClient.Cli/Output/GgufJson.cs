using System.Globalization;
using System.Text.Json;
using HubClient.Cli.Commands;

namespace HubClient.Cli.Output;

/// <summary>
/// A GGUF header as JSON, shaped like <c>@huggingface/gguf</c>'s <c>typedMetadata</c> and <c>tensorInfos</c> so the two
/// can be compared: <c>{"version", "tensor_count", "kv_count", "metadata": {key: {"type", "sub_type"?, "value"}},
/// "tensor_infos": [{"name", "n_dims", "shape", "dtype", "offset"}], "tensor_data_offset"}</c>. Types are
/// <c>gguf_type</c> numbers, dtypes <c>ggml_type</c> numbers; 64-bit integers are written as JSON numbers (exact).
/// </summary>
internal static class GgufJson
{
    public static Task WriteAsync(TextWriter output, GgufMetadata gguf) => InspectCommand.WriteJson(output, w =>
    {
        w.WriteStartObject();
        w.WriteString("format", "gguf");
        w.WriteNumber("version", gguf.Version);
        w.WriteNumber("tensor_count", gguf.Tensors.Count);
        w.WriteNumber("kv_count", gguf.Metadata.Count);
        if (gguf.Architecture is { } arch) w.WriteString("architecture", arch);
        if (gguf.Quantization is { } quantization) w.WriteString("quantization", quantization);
        if (gguf.ContextLength is { } context) w.WriteNumber("context_length", context);
        w.WriteNumber("parameter_count", gguf.ParameterCount);
        w.WriteStartObject("metadata");
        foreach ((string key, GgufMetadataValue value) in gguf.Metadata)
        {
            w.WriteStartObject(key);
            w.WriteNumber("type", (int)value.Type);
            if (value.ArrayElementType is { } element) w.WriteNumber("sub_type", (int)element);
            w.WritePropertyName("value");
            WriteValue(w, value.Value);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteStartArray("tensor_infos");
        foreach (GgufTensorInfo tensor in gguf.Tensors)
        {
            w.WriteStartObject();
            w.WriteString("name", tensor.Name);
            w.WriteNumber("n_dims", tensor.Shape.Count);
            w.WriteStartArray("shape");
            foreach (ulong d in tensor.Shape) w.WriteNumberValue(d);
            w.WriteEndArray();
            w.WriteNumber("dtype", (int)tensor.Type);
            w.WriteNumber("offset", tensor.Offset);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteNumber("tensor_data_offset", gguf.DataOffset);
        w.WriteEndObject();
    });

    private static void WriteValue(Utf8JsonWriter w, object value)
    {
        switch (value)
        {
            case string s: w.WriteStringValue(s); break;
            case bool b: w.WriteBooleanValue(b); break;
            case float f: WriteDouble(w, f); break;
            case double d: WriteDouble(w, d); break;
            case ulong u: w.WriteNumberValue(u); break;
            case long l: w.WriteNumberValue(l); break;
            case GgufMetadataValue nested: WriteValue(w, nested.Value); break;
            case Array array:
                w.WriteStartArray();
                foreach (object? item in array) WriteValue(w, item!);
                w.WriteEndArray();
                break;
            default: w.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture)); break;
        }
    }

    /// <summary>Finite values as numbers (shortest round-trip form); NaN and infinities as strings, as JSON has no literal for them.</summary>
    private static void WriteDouble(Utf8JsonWriter w, double value)
    {
        if (double.IsFinite(value)) w.WriteNumberValue(value);
        else w.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));
    }
}
