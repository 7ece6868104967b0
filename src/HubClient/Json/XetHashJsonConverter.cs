using System.Text.Json;
using System.Text.Json.Serialization;
using HubClient.Xet;

namespace HubClient;

/// <summary>A Xet hash as its 64-character string form, read straight from the JSON bytes (no string per hash).</summary>
internal sealed class XetHashJsonConverter : JsonConverter<XetHash>
{
    public override XetHash Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        XetHash hash = default;
        bool parsed = reader.TokenType == JsonTokenType.String && (reader.ValueIsEscaped || reader.HasValueSequence
            ? XetHash.TryParse(reader.GetString(), out hash)
            : XetHash.TryParse(reader.ValueSpan, out hash));
        return parsed ? hash : throw new JsonException("A Xet hash must be a string of 64 hex digits.");
    }

    public override void Write(Utf8JsonWriter writer, XetHash value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<char> chars = stackalloc char[64];
        value.Format(chars);
        writer.WriteStringValue(chars);
    }
}
