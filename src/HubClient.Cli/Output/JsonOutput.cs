using System.Text.Json;
using System.Text.Json.Nodes;
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

    public static Task WriteArrayAsync<T>(TextWriter output, IAsyncEnumerable<T> items, CancellationToken cancellationToken) =>
        WriteArrayAsync(output, items, item => JsonSerializer.Serialize(item, item?.GetType() ?? typeof(T), Options), cancellationToken);

    /// <summary>
    /// A tree entry with its kind first, <c>"type": "file"</c> or <c>"directory"</c> (the hub's own words), then its fields:
    /// a folder and a file would otherwise differ only by fields that may be absent.
    /// </summary>
    public static string TreeEntry(RepoTreeEntry entry)
    {
        var node = new JsonObject { ["type"] = entry is RepoFile ? "file" : "directory" };
        foreach ((string name, JsonNode? value) in JsonSerializer.SerializeToNode(entry, entry.GetType(), Options)!.AsObject().ToArray())
        {
            if (name != "type") node[name] = value?.DeepClone();
        }
        return node.ToJsonString(Options);
    }

    public static async Task WriteArrayAsync<T>(TextWriter output, IAsyncEnumerable<T> items, Func<T, string> serialize, CancellationToken cancellationToken)
    {
        await output.WriteAsync('[').ConfigureAwait(false);
        bool first = true;
        try
        {
            await foreach (T item in items.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                await output.WriteAsync(first ? "\n  " : ",\n  ").ConfigureAwait(false);
                await output.WriteAsync(serialize(item)).ConfigureAwait(false);
                first = false;
            }
        }
        finally
        {
            // Closed on a failure too: a script reading stdout gets valid JSON (what arrived), and the exit code and stderr
            // say the listing did not finish.
            await output.WriteLineAsync(first ? "]" : "\n]").ConfigureAwait(false);
        }
    }
}
