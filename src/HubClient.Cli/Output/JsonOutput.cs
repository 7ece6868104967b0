using System.Text.Json;
using System.Text.Json.Serialization;

namespace HubClient.Cli.Output;

/// <summary><c>--json</c> output for scripts: one JSON value, or a JSON array streamed item by item (never buffered whole).</summary>
internal static class JsonOutput
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static async Task WriteAsync<T>(TextWriter output, T value)
    {
        await output.WriteLineAsync(JsonSerializer.Serialize(value, value?.GetType() ?? typeof(T), Options)).ConfigureAwait(false);
    }

    public static async Task WriteArrayAsync<T>(TextWriter output, IAsyncEnumerable<T> items, CancellationToken cancellationToken)
    {
        await output.WriteAsync('[').ConfigureAwait(false);
        bool first = true;
        await foreach (T item in items.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            await output.WriteAsync(first ? "\n  " : ",\n  ").ConfigureAwait(false);
            await output.WriteAsync(JsonSerializer.Serialize(item, item?.GetType() ?? typeof(T), Options)).ConfigureAwait(false);
            first = false;
        }
        await output.WriteLineAsync(first ? "]" : "\n]").ConfigureAwait(false);
    }
}
