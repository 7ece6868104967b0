using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;

namespace HubClient;

/// <summary>
/// Reads the header of one safetensors file with at most two range reads, as huggingface_hub does: the first
/// <see cref="FirstReadSize"/> bytes, which usually hold the whole header, then the rest of the header if it is longer.
/// Checks what can be checked without the data: the length prefix fits the file and the reference client's limit, the
/// JSON is an object of well-formed tensor entries whose data offsets lie within the file.
/// </summary>
internal static class SafetensorsHeaderReader
{
    /// <summary>huggingface_hub reads <c>bytes=0-100000</c> first (100,001 bytes).</summary>
    public const int FirstReadSize = 100_001;

    /// <summary>huggingface_hub's <c>SAFETENSORS_MAX_HEADER_LENGTH</c>: 25,000,000 bytes.</summary>
    public const long MaxHeaderLength = 25_000_000;

    public static async Task<SafetensorsFileMetadata> ReadAsync(IRangeReader reader, string path, CancellationToken cancellationToken)
    {
        if (reader.Length < 8) throw Error(path, $"the file has {reader.Length} bytes, fewer than the 8-byte header length.");
        byte[] first = new byte[(int)Math.Min(FirstReadSize, reader.Length)];
        await reader.ReadAsync(0, first, cancellationToken).ConfigureAwait(false);
        ulong declared = BinaryPrimitives.ReadUInt64LittleEndian(first);
        if (declared > MaxHeaderLength)
        {
            throw Error(path, $"the header declares {declared} bytes, more than the limit of {MaxHeaderLength} bytes (huggingface_hub's SAFETENSORS_MAX_HEADER_LENGTH).");
        }
        long headerSize = (long)declared;
        if (8 + headerSize > reader.Length)
        {
            throw Error(path, $"the header declares {headerSize} bytes but the file has only {reader.Length - 8} bytes after the length.");
        }

        ReadOnlyMemory<byte> json;
        if (8 + headerSize <= first.Length)
        {
            json = first.AsMemory(8, (int)headerSize);
        }
        else
        {
            byte[] header = new byte[headerSize];
            first.AsSpan(8).CopyTo(header);
            await reader.ReadAsync(first.Length, header.AsMemory(first.Length - 8), cancellationToken).ConfigureAwait(false);
            json = header;
        }
        return Parse(json, headerSize, reader.Length - 8 - headerSize, path);
    }

    /// <summary>Parses the JSON header; <paramref name="dataSize"/> is the number of bytes after it.</summary>
    internal static SafetensorsFileMetadata Parse(ReadOnlyMemory<byte> json, long headerSize, long dataSize, string path)
    {
        // JsonDocument accepts invalid UTF-8 inside strings and fails only when one is read, untyped.
        if (!Utf8.IsValid(json.Span)) throw Error(path, $"its {headerSize}-byte header is not valid UTF-8.");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new HubFileFormatException($"'{path}' is not a valid safetensors file: its {headerSize}-byte header is not valid JSON ({e.Message}).", path, e);
        }
        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Error(path, $"the header is a JSON {root.ValueKind}, not an object.");
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var tensors = new Dictionary<string, SafetensorsTensorInfo>(StringComparer.Ordinal);
            foreach (JsonProperty property in root.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    if (property.Value.ValueKind != JsonValueKind.Object) throw Error(path, $"__metadata__ is not an object.");
                    foreach (JsonProperty entry in property.Value.EnumerateObject())
                    {
                        metadata[entry.Name] = entry.Value.ValueKind == JsonValueKind.String ? entry.Value.GetString()! : entry.Value.GetRawText();
                    }
                    continue;
                }
                if (!tensors.TryAdd(property.Name, Tensor(property, dataSize, path))) throw Error(path, $"tensor '{property.Name}' appears twice.");
            }
            ThrowIfOverlapping(tensors, path);
            return new SafetensorsFileMetadata(metadata, tensors, headerSize, path);
        }
    }

    private static SafetensorsTensorInfo Tensor(JsonProperty property, long dataSize, string path)
    {
        string name = property.Name;
        JsonElement value = property.Value;
        if (value.ValueKind != JsonValueKind.Object) throw Error(path, $"tensor '{name}' is not an object.");
        if (!value.TryGetProperty("dtype", out JsonElement dtype) || dtype.ValueKind != JsonValueKind.String || dtype.GetString() is not { Length: > 0 } dtypeName)
        {
            throw Error(path, $"tensor '{name}' has no dtype string.");
        }
        long[] shape = Integers(value, "shape", name, path);
        long[] offsets = Integers(value, "data_offsets", name, path);
        if (offsets.Length != 2 || offsets[0] > offsets[1])
        {
            throw Error(path, $"tensor '{name}' has data_offsets [{string.Join(", ", offsets)}], not [begin, end] with begin <= end.");
        }
        if (offsets[1] > dataSize)
        {
            throw Error(path, $"tensor '{name}' ends at byte {offsets[1]} of the data, but the file has only {dataSize} bytes after the header (the header lies about the file).");
        }
        long count = 1;
        try
        {
            foreach (long dimension in shape) count = checked(count * dimension);
        }
        catch (OverflowException)
        {
            throw Error(path, $"tensor '{name}' has a shape [{string.Join(", ", shape)}] whose element count overflows.");
        }
        if (BitsPerElement(dtypeName) is { } bits)
        {
            // As the safetensors loader checks: a tensor's bytes are exactly its elements (unknown dtypes are not checked).
            bool fits;
            try
            {
                long total = checked(count * bits);
                fits = total % 8 == 0 && total / 8 == offsets[1] - offsets[0];
            }
            catch (OverflowException)
            {
                fits = false;
            }
            if (!fits)
            {
                throw Error(path, $"tensor '{name}' is {count} {dtypeName} elements in {offsets[1] - offsets[0]} bytes (data_offsets [{offsets[0]}, {offsets[1]}]).");
            }
        }
        return new SafetensorsTensorInfo(dtypeName, shape, offsets[0], offsets[1], count);
    }

    /// <summary>The size of one element of a safetensors dtype in bits (the format's list, sub-byte floats included); null when unknown.</summary>
    private static int? BitsPerElement(string dtype) => dtype switch
    {
        "F4" => 4,
        "F6_E2M3" or "F6_E3M2" => 6,
        "BOOL" or "U8" or "I8" or "F8_E5M2" or "F8_E4M3" or "F8_E8M0" => 8,
        "I16" or "U16" or "F16" or "BF16" => 16,
        "I32" or "U32" or "F32" => 32,
        "I64" or "U64" or "F64" or "C64" => 64,
        _ => null,
    };

    /// <summary>Refuses tensors whose byte ranges overlap (the format lays tensors one after another; gaps are not refused).</summary>
    private static void ThrowIfOverlapping(Dictionary<string, SafetensorsTensorInfo> tensors, string path)
    {
        (string Name, SafetensorsTensorInfo Info)? previous = null;
        foreach ((string name, SafetensorsTensorInfo tensor) in tensors.Where(t => t.Value.DataEnd > t.Value.DataStart).OrderBy(t => t.Value.DataStart))
        {
            if (previous is { } before && tensor.DataStart < before.Info.DataEnd)
            {
                throw Error(path, $"tensors '{before.Name}' and '{name}' share bytes ({before.Info.DataStart}-{before.Info.DataEnd} and {tensor.DataStart}-{tensor.DataEnd}).");
            }
            previous = (name, tensor);
        }
    }

    private static long[] Integers(JsonElement tensor, string property, string name, string path)
    {
        if (!tensor.TryGetProperty(property, out JsonElement array) || array.ValueKind != JsonValueKind.Array)
        {
            throw Error(path, $"tensor '{name}' has no {property} array.");
        }
        var values = new long[array.GetArrayLength()];
        int i = 0;
        foreach (JsonElement item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long v) || v < 0)
            {
                throw Error(path, $"tensor '{name}' has a {property} entry '{item.GetRawText()}' that is not a non-negative integer.");
            }
            values[i++] = v;
        }
        return values;
    }

    private static HubFileFormatException Error(string path, FormattableString reason) =>
        new($"'{path}' is not a valid safetensors file: {reason.ToString(CultureInfo.InvariantCulture)}", path);
}
