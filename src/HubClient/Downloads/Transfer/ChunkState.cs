using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace HubClient;

/// <summary>
/// What a parallel download has finished: the chunks whose bytes are on disk, each with the XxHash3 of those bytes, the
/// chunks a stopped download left part-way (their first bytes and the XxHash3 of those), and the server's validator
/// (<c>ETag</c>) they came with. Thread-safe. Serialised as the sidecar JSON
/// <c>{"format":"hubclient-chunks/1","etag":…,"size":…,"chunkSize":…,"validator":…,"chunks":[[index,"xxh3 hex"],…],
/// "partial":[[index,length,"xxh3 hex"],…]}</c> (<c>partial</c> is absent when empty; readers that do not know it skip it
/// and fetch those chunks whole).
/// </summary>
internal sealed class ChunkState
{
    public const string Format = "hubclient-chunks/1";

    private readonly ulong?[] _checksums;
    private readonly PartialChunk?[] _partials;
    private readonly Lock _lock = new();
    private string? _validator;
    private long _version;

    public ChunkState(string etag, ChunkPlan plan)
    {
        Etag = etag;
        Plan = plan;
        _checksums = new ulong?[plan.Count];
        _partials = new PartialChunk?[plan.Count];
    }

    public string Etag { get; }

    public ChunkPlan Plan { get; }

    /// <summary>Increases at every change, so a writer can tell whether what it saved is current.</summary>
    public long Version
    {
        get
        {
            lock (_lock) return _version;
        }
    }

    /// <summary>The raw strong <c>ETag</c> the chunks were served with, sent back as <c>If-Match</c>.</summary>
    public string? Validator
    {
        get
        {
            lock (_lock) return _validator;
        }
        set
        {
            lock (_lock)
            {
                if (_validator == value) return;
                _validator = value;
                _version++;
            }
        }
    }

    public ulong? Checksum(int index)
    {
        lock (_lock) return _checksums[index];
    }

    public bool IsComplete(int index) => Checksum(index).HasValue;

    public int CompletedCount
    {
        get
        {
            lock (_lock) return _checksums.Count(c => c.HasValue);
        }
    }

    /// <summary>The first bytes of an unfinished chunk that are on disk, or null.</summary>
    public PartialChunk? Partial(int index)
    {
        lock (_lock) return _partials[index];
    }

    public void MarkComplete(int index, ulong checksum)
    {
        lock (_lock)
        {
            _checksums[index] = checksum;
            _partials[index] = null;
            _version++;
        }
    }

    /// <summary>
    /// Records that the first <paramref name="length"/> bytes of an unfinished chunk are on disk with the XxHash3
    /// <paramref name="checksum"/>; a length of zero forgets them, the whole chunk's length completes it.
    /// </summary>
    public void MarkPartial(int index, long length, ulong checksum)
    {
        long chunkLength = Plan[index].Length;
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, chunkLength);
        if (length == chunkLength)
        {
            MarkComplete(index, checksum);
            return;
        }
        lock (_lock)
        {
            if (_checksums[index] is not null) return;
            _partials[index] = length == 0 ? null : new PartialChunk(length, checksum);
            _version++;
        }
    }

    public void MarkMissing(int index)
    {
        lock (_lock)
        {
            if (_checksums[index] is null && _partials[index] is null) return;
            _checksums[index] = null;
            _partials[index] = null;
            _version++;
        }
    }

    /// <summary>Whether any bytes at all are recorded: complete chunks or the start of one.</summary>
    public bool HasAnyBytes
    {
        get
        {
            lock (_lock) return _checksums.Any(c => c.HasValue) || _partials.Any(p => p.HasValue);
        }
    }

    /// <summary>How many bytes of the file are recorded: completed chunks and the first bytes of unfinished ones.</summary>
    public long BytesRecorded
    {
        get
        {
            lock (_lock)
            {
                long bytes = 0;
                for (int i = 0; i < _checksums.Length; i++) bytes += _checksums[i].HasValue ? Plan[i].Length : _partials[i]?.Length ?? 0;
                return bytes;
            }
        }
    }

    /// <summary>Forgets every chunk and the validator.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            Array.Clear(_checksums);
            Array.Clear(_partials);
            _validator = null;
            _version++;
        }
    }

    /// <summary>The JSON of the current state, and the version it describes.</summary>
    public (byte[] Json, long Version) Serialize()
    {
        var buffer = new ArrayBufferWriter<byte>(256 + (_checksums.Length * 28));
        long version;
        using (var w = new Utf8JsonWriter(buffer))
        {
            lock (_lock)
            {
                version = _version;
                w.WriteStartObject();
                w.WriteString("format", Format);
                w.WriteString("etag", Etag);
                w.WriteNumber("size", Plan.Size);
                w.WriteNumber("chunkSize", Plan.ChunkSize);
                if (_validator is null) w.WriteNull("validator");
                else w.WriteString("validator", _validator);
                w.WriteStartArray("chunks");
                for (int i = 0; i < _checksums.Length; i++)
                {
                    if (_checksums[i] is not { } sum) continue;
                    w.WriteStartArray();
                    w.WriteNumberValue(i);
                    w.WriteStringValue(sum.ToString("x16", CultureInfo.InvariantCulture));
                    w.WriteEndArray();
                }
                w.WriteEndArray();
                if (_partials.Any(p => p.HasValue))
                {
                    w.WriteStartArray("partial");
                    for (int i = 0; i < _partials.Length; i++)
                    {
                        if (_partials[i] is not { } partial) continue;
                        w.WriteStartArray();
                        w.WriteNumberValue(i);
                        w.WriteNumberValue(partial.Length);
                        w.WriteStringValue(partial.Checksum.ToString("x16", CultureInfo.InvariantCulture));
                        w.WriteEndArray();
                    }
                    w.WriteEndArray();
                }
                w.WriteEndObject();
            }
        }
        return (buffer.WrittenSpan.ToArray(), version);
    }

    /// <summary>
    /// Reads a sidecar written for the same etag, size and chunk size; null when it is for another download, from another
    /// format, or damaged in any way (the partial then cannot be trusted and starts over).
    /// </summary>
    public static ChunkState? Deserialize(ReadOnlySpan<byte> json, string etag, ChunkPlan plan)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            Expect(ref reader, JsonTokenType.StartObject);
            string? format = null, fileEtag = null, validator = null;
            long size = -1, chunkSize = -1;
            var chunks = new List<(int Index, long Length, ulong Sum)>();
            var partials = new List<(int Index, long Length, ulong Sum)>();
            while (Next(ref reader) != JsonTokenType.EndObject)
            {
                if (reader.TokenType != JsonTokenType.PropertyName) return null;
                string name = reader.GetString()!;
                Next(ref reader);
                switch (name)
                {
                    case "format": format = reader.GetString(); break;
                    case "etag": fileEtag = reader.GetString(); break;
                    case "size": size = reader.GetInt64(); break;
                    case "chunkSize": chunkSize = reader.GetInt64(); break;
                    case "validator": validator = reader.TokenType == JsonTokenType.Null ? null : reader.GetString(); break;
                    case "chunks":
                        if (!ReadEntries(ref reader, withLength: false, chunks)) return null;
                        break;
                    case "partial":
                        if (!ReadEntries(ref reader, withLength: true, partials)) return null;
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
            if (format != Format || fileEtag != etag || size != plan.Size || chunkSize != plan.ChunkSize) return null;
            var state = new ChunkState(etag, plan) { Validator = validator };
            foreach ((int index, _, ulong sum) in chunks)
            {
                if (index < 0 || index >= plan.Count) return null;
                state.MarkComplete(index, sum);
            }
            foreach ((int index, long length, ulong sum) in partials)
            {
                if (index < 0 || index >= plan.Count || length <= 0 || length >= plan[index].Length || state.IsComplete(index)) return null;
                state.MarkPartial(index, length, sum);
            }
            return state;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or OverflowException)
        {
            return null;
        }
    }

    /// <summary>
    /// Reads an array of entries <c>[index, "xxh3 hex"]</c>, or <c>[index, length, "xxh3 hex"]</c> when
    /// <paramref name="withLength"/>; false when it is not one.
    /// </summary>
    private static bool ReadEntries(ref Utf8JsonReader reader, bool withLength, List<(int Index, long Length, ulong Sum)> entries)
    {
        if (reader.TokenType != JsonTokenType.StartArray) return false;
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartArray) return false;
            Next(ref reader);
            int index = reader.GetInt32();
            long length = -1;
            if (withLength)
            {
                Next(ref reader);
                length = reader.GetInt64();
            }
            Next(ref reader);
            ulong sum = ulong.Parse(reader.GetString()!, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            Expect(ref reader, JsonTokenType.EndArray);
            entries.Add((index, length, sum));
        }
        return true;
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read()) throw new JsonException("Truncated chunk state.");
        return reader.TokenType;
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (Next(ref reader) != type) throw new JsonException($"Expected {type} in the chunk state.");
    }
}
