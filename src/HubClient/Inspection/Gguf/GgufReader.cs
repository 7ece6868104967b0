using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace HubClient;

/// <summary>
/// Reads a GGUF header (v2 and v3, little-endian) from its first bytes only. It fetches <see cref="InitialReadSize"/>
/// bytes, parses, and when the header goes on past them fetches the next bytes (at least doubling what it holds, up to
/// <see cref="MaxHeaderSize"/>) and parses again: a typical header (tokenizer vocabulary included) costs one to four
/// range requests. Every count and length is checked against the bytes the file has left before anything is allocated,
/// so a hostile header cannot make it allocate more than the file could hold (and never more than the cap).
/// </summary>
internal static class GgufReader
{
    public const uint DefaultAlignment = 32;
    public const int InitialReadSize = 1024 * 1024;
    public const int MaxHeaderSize = 256 * 1024 * 1024;
    private const uint Magic = 0x46554747; // "GGUF" read as little-endian uint32.
    private const int MaxDimensions = 4; // GGML_MAX_DIMS
    private const int MaxArrayDepth = 8;

    public static async Task<GgufMetadata> ReadAsync(IRangeReader reader, string path, CancellationToken cancellationToken)
    {
        long length = reader.Length;
        byte[] buffer = new byte[(int)Math.Min(InitialReadSize, length)];
        await reader.ReadAsync(0, buffer, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            try
            {
                return Parse(buffer, length, path);
            }
            catch (NeedMoreBytes more)
            {
                if (buffer.Length >= MaxHeaderSize)
                {
                    throw new HubFileFormatException($"'{path}': the GGUF header goes on past {MaxHeaderSize} bytes; refusing to read more.", path);
                }
                long size = Math.Min(Math.Min(length, MaxHeaderSize), Math.Max(2L * buffer.Length, more.Required + 64 * 1024));
                byte[] grown = new byte[size];
                buffer.CopyTo(grown, 0);
                await reader.ReadAsync(buffer.Length, grown.AsMemory(buffer.Length), cancellationToken).ConfigureAwait(false);
                buffer = grown;
            }
        }
    }

    /// <summary>Parses the header from the first <c>buffer.Length</c> bytes of a file of <paramref name="fileLength"/> bytes.</summary>
    internal static GgufMetadata Parse(byte[] buffer, long fileLength, string path)
    {
        var cursor = new Cursor(buffer, fileLength, path);
        if (fileLength < 4 || cursor.UInt32() != Magic)
        {
            throw new HubFileFormatException($"'{path}' is not a GGUF file: it does not start with the magic 'GGUF'.", path);
        }
        uint version = cursor.UInt32();
        if (version is not (2 or 3))
        {
            string why = version == 1 ? "GGUF v1 (32-bit counts) is not supported"
                : BinaryPrimitives.ReverseEndianness(version) is 2 or 3 ? "big-endian GGUF is not supported"
                : "only versions 2 and 3 are supported";
            throw new HubFileFormatException($"'{path}' has GGUF version {version}: {why}.", path);
        }
        ulong tensorCount = cursor.UInt64();
        ulong kvCount = cursor.UInt64();
        cursor.CheckCount(tensorCount, 8 + 4 + 8 + 4 + 8, "tensor count");
        cursor.CheckCount(kvCount, 8 + 4 + 1, "metadata count");

        var metadata = new Dictionary<string, GgufMetadataValue>(StringComparer.Ordinal);
        for (ulong i = 0; i < kvCount; i++)
        {
            string key = cursor.String();
            var type = (GgufValueType)cursor.UInt32();
            GgufMetadataValue value = ReadValue(ref cursor, type, depth: 0);
            if (!metadata.TryAdd(key, value)) throw cursor.Error($"the metadata key '{key}' appears twice");
        }

        var tensors = new List<GgufTensorInfo>((int)Math.Min(tensorCount, 1 << 16));
        var tensorNames = new HashSet<string>(StringComparer.Ordinal);
        ulong parameters = 0;
        for (ulong i = 0; i < tensorCount; i++)
        {
            string name = cursor.String();
            uint dimensions = cursor.UInt32();
            if (dimensions > MaxDimensions) throw cursor.Error($"tensor '{name}' has {dimensions} dimensions (at most {MaxDimensions})");
            var shape = new ulong[dimensions];
            for (int d = 0; d < shape.Length; d++) shape[d] = cursor.UInt64();
            ulong elements = shape.Contains(0UL) ? 0UL : 1UL;
            foreach (ulong dimension in shape)
            {
                if (elements == 0) break;
                if (elements > ulong.MaxValue / dimension) throw cursor.Error($"tensor '{name}' has more elements than a 64-bit count");
                elements *= dimension;
            }
            if (elements > ulong.MaxValue - parameters) throw cursor.Error("the tensors hold more elements than a 64-bit count");
            parameters += elements;
            var type = (GgmlType)cursor.UInt32();
            ulong offset = cursor.UInt64();
            if (!tensorNames.Add(name)) throw cursor.Error($"tensor '{name}' appears twice");
            tensors.Add(new GgufTensorInfo(name, shape, type, offset));
        }

        long headerSize = cursor.Position;
        uint alignment = DefaultAlignment;
        if (metadata.TryGetValue("general.alignment", out GgufMetadataValue? a))
        {
            // The format makes it a UINT32; llama.cpp refuses any other type, and guessing 32 would misplace every tensor.
            alignment = a.Value as uint? ?? throw cursor.Error($"general.alignment is a {a.Type}, not a UInt32");
        }
        if (alignment == 0 || (alignment & (alignment - 1)) != 0) throw cursor.Error($"general.alignment {alignment} is not a power of two");
        long dataOffset = (headerSize + alignment - 1) / alignment * alignment;
        foreach (GgufTensorInfo tensor in tensors)
        {
            if (tensor.Offset % alignment != 0) throw cursor.Error($"tensor '{tensor.Name}' starts at data offset {tensor.Offset}, not a multiple of the alignment {alignment}");
            if (tensor.Offset > (ulong)Math.Max(0, cursor.FileLength - dataOffset))
            {
                throw cursor.Error($"tensor '{tensor.Name}' starts at data offset {tensor.Offset}, past the end of the file ({cursor.FileLength} bytes, data from byte {dataOffset})");
            }
        }
        return new GgufMetadata(version, metadata, tensors, headerSize, dataOffset);
    }

    private static GgufMetadataValue ReadValue(ref Cursor cursor, GgufValueType type, int depth) => type switch
    {
        GgufValueType.UInt8 => new(type, cursor.Bytes(1)[0]),
        GgufValueType.Int8 => new(type, (sbyte)cursor.Bytes(1)[0]),
        GgufValueType.UInt16 => new(type, BinaryPrimitives.ReadUInt16LittleEndian(cursor.Bytes(2))),
        GgufValueType.Int16 => new(type, BinaryPrimitives.ReadInt16LittleEndian(cursor.Bytes(2))),
        GgufValueType.UInt32 => new(type, cursor.UInt32()),
        GgufValueType.Int32 => new(type, BinaryPrimitives.ReadInt32LittleEndian(cursor.Bytes(4))),
        GgufValueType.Float32 => new(type, BinaryPrimitives.ReadSingleLittleEndian(cursor.Bytes(4))),
        GgufValueType.Bool => new(type, cursor.Bytes(1)[0] != 0),
        GgufValueType.String => new(type, cursor.String()),
        GgufValueType.UInt64 => new(type, cursor.UInt64()),
        GgufValueType.Int64 => new(type, BinaryPrimitives.ReadInt64LittleEndian(cursor.Bytes(8))),
        GgufValueType.Float64 => new(type, BinaryPrimitives.ReadDoubleLittleEndian(cursor.Bytes(8))),
        GgufValueType.Array => ReadArray(ref cursor, depth),
        _ => throw cursor.Error($"unknown value type {(uint)type}"),
    };

    private static GgufMetadataValue ReadArray(ref Cursor cursor, int depth)
    {
        if (depth >= MaxArrayDepth) throw cursor.Error($"arrays nest deeper than {MaxArrayDepth} levels");
        var elementType = (GgufValueType)cursor.UInt32();
        ulong count = cursor.UInt64();
        int minSize = elementType switch
        {
            GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.Bool => 1,
            GgufValueType.UInt16 or GgufValueType.Int16 => 2,
            GgufValueType.UInt32 or GgufValueType.Int32 or GgufValueType.Float32 => 4,
            GgufValueType.UInt64 or GgufValueType.Int64 or GgufValueType.Float64 or GgufValueType.String => 8,
            GgufValueType.Array => 12,
            _ => throw cursor.Error($"unknown array element type {(uint)elementType}"),
        };
        cursor.CheckCount(count, minSize, "array length");
        int n = (int)count;
        if (elementType is not (GgufValueType.String or GgufValueType.Array))
        {
            // Fixed-size elements are taken in one slice, which must be in hand before anything is allocated, and decoded
            // straight into the typed array (no object per element: a byte array would otherwise cost ~50 bytes per byte).
            return new GgufMetadataValue(GgufValueType.Array, ReadFixed(cursor.Bytes((long)n * minSize), elementType, n), elementType);
        }
        // Strings and arrays are collected as they are read, not preallocated from the count: arrays nested in arrays could
        // each claim the whole file, and only what was read is then held.
        int initial = Math.Min(n, 1024);
        if (elementType == GgufValueType.String)
        {
            var strings = new List<string>(initial);
            for (int i = 0; i < n; i++) strings.Add(cursor.String());
            return new GgufMetadataValue(GgufValueType.Array, strings.ToArray(), elementType);
        }
        var arrays = new List<GgufMetadataValue>(initial);
        for (int i = 0; i < n; i++) arrays.Add(ReadArray(ref cursor, depth + 1));
        return new GgufMetadataValue(GgufValueType.Array, arrays.ToArray(), elementType);
    }

    private static Array ReadFixed(ReadOnlySpan<byte> bytes, GgufValueType type, int n)
    {
        switch (type)
        {
            case GgufValueType.UInt8: return bytes.ToArray();
            case GgufValueType.Int8: return MemoryMarshal.Cast<byte, sbyte>(bytes).ToArray();
            case GgufValueType.Bool:
                var flags = new bool[n];
                for (int i = 0; i < n; i++) flags[i] = bytes[i] != 0;
                return flags;
            case GgufValueType.UInt16: return Decode(bytes, n, 2, BinaryPrimitives.ReadUInt16LittleEndian);
            case GgufValueType.Int16: return Decode(bytes, n, 2, BinaryPrimitives.ReadInt16LittleEndian);
            case GgufValueType.UInt32: return Decode(bytes, n, 4, BinaryPrimitives.ReadUInt32LittleEndian);
            case GgufValueType.Int32: return Decode(bytes, n, 4, BinaryPrimitives.ReadInt32LittleEndian);
            case GgufValueType.Float32: return Decode(bytes, n, 4, BinaryPrimitives.ReadSingleLittleEndian);
            case GgufValueType.UInt64: return Decode(bytes, n, 8, BinaryPrimitives.ReadUInt64LittleEndian);
            case GgufValueType.Int64: return Decode(bytes, n, 8, BinaryPrimitives.ReadInt64LittleEndian);
            default: return Decode(bytes, n, 8, BinaryPrimitives.ReadDoubleLittleEndian);
        }
    }

    private delegate T LittleEndianRead<T>(ReadOnlySpan<byte> source);

    private static T[] Decode<T>(ReadOnlySpan<byte> bytes, int n, int size, LittleEndianRead<T> read)
    {
        var values = new T[n];
        for (int i = 0; i < n; i++) values[i] = read(bytes.Slice(i * size, size));
        return values;
    }

    /// <summary>Thrown when the header goes on past the bytes fetched so far (but not past the file).</summary>
    private sealed class NeedMoreBytes(long required) : Exception
    {
        public long Required { get; } = required;
    }

    private ref struct Cursor
    {
        private readonly ReadOnlySpan<byte> _buffer;
        private readonly long _fileLength;

        public readonly long FileLength => _fileLength;

        /// <summary>The bytes the header may still take: to the end of the file or of the largest header read.</summary>
        private readonly ulong HeaderBytesLeft => (ulong)(Math.Min(_fileLength, MaxHeaderSize) - Position);
        private readonly string _path;

        public Cursor(ReadOnlySpan<byte> buffer, long fileLength, string path)
        {
            _buffer = buffer;
            _fileLength = fileLength;
            _path = path;
        }

        public int Position { get; private set; }

        public ReadOnlySpan<byte> Bytes(long count)
        {
            long end = Position + count;
            if (end > _fileLength) throw Error($"the header is truncated: it needs byte {end} but the file has {_fileLength}");
            if (end > _buffer.Length) throw new NeedMoreBytes(end);
            ReadOnlySpan<byte> bytes = _buffer.Slice(Position, (int)count);
            Position = (int)end;
            return bytes;
        }

        public uint UInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4));

        public ulong UInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Bytes(8));

        public string String()
        {
            ulong length = UInt64();
            ulong left = HeaderBytesLeft;
            if (length > left) throw Error($"a string claims {length} bytes but the {left} bytes left for the header cannot hold it");
            return Encoding.UTF8.GetString(Bytes((long)length));
        }

        /// <summary>
        /// Rejects a count whose items, at <paramref name="minItemSize"/> bytes each, could not fit in the rest of the file
        /// or of the largest header read (so nothing is allocated for items that cannot exist).
        /// </summary>
        public readonly void CheckCount(ulong count, int minItemSize, string what)
        {
            ulong left = HeaderBytesLeft;
            if (count > int.MaxValue || count * (ulong)minItemSize > left)
            {
                throw Error($"the {what} {count} cannot fit in the {left} bytes left for the header");
            }
        }

        public readonly HubFileFormatException Error(string reason) =>
            new(string.Create(CultureInfo.InvariantCulture, $"'{_path}' is not a valid GGUF file: {reason} (at byte {Position})."), _path);
    }
}
