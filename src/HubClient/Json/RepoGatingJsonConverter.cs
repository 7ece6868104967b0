using System.Text.Json;
using System.Text.Json.Serialization;

namespace HubClient;

/// <summary>Reads <c>gated</c>: <c>false</c>, <c>true</c> (older answers) or the approval mode as a string.</summary>
internal sealed class RepoGatingJsonConverter : JsonConverter<RepoGating>
{
    public override RepoGating Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.False => RepoGating.NotGated,
        JsonTokenType.True => new RepoGating("true"),
        JsonTokenType.String when reader.GetString() is { Length: > 0 } value => new RepoGating(value),
        _ => throw new JsonException($"'gated' must be false or a string, not {reader.TokenType}."),
    };

    public override void Write(Utf8JsonWriter writer, RepoGating value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value.IsGated) writer.WriteStringValue(value.ToString());
        else writer.WriteBooleanValue(false);
    }
}
