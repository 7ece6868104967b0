using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using HubClient.Cli.Output;

namespace HubClient.Cli.Commands;

/// <summary>
/// <c>hub inspect REPO [FILE]</c>: reads a checkpoint's headers without downloading its weights. Without FILE, the
/// repository's safetensors checkpoint (single or sharded), or its only <c>.gguf</c> file; with FILE, that
/// <c>.gguf</c> or <c>.safetensors</c> file.
/// </summary>
internal static class InspectCommand
{
    public static Command Create(CliContext context)
    {
        var repo = new Argument<string>("repo") { Description = "Repository id" };
        var file = new Argument<string?>("file") { Description = "A .gguf or .safetensors file (default: the repository's safetensors checkpoint)", Arity = ArgumentArity.ZeroOrOne };
        var revision = new Option<string?>("--revision") { Description = "Branch, tag or commit (default: main)", HelpName = "revision" };
        var json = new Option<bool>("--json") { Description = "Print JSON (GGUF: every key with its type and every tensor)" };
        var command = new Command("inspect", "Show a checkpoint's tensors, dtypes, parameters (safetensors) or architecture, quantisation, context length (GGUF) by reading only its headers.")
        {
            GlobalOptions.Endpoint, GlobalOptions.Token, repo, file, revision, GlobalOptions.RepoType, GlobalOptions.CacheDir, json,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            using HubApi api = context.CreateApi(result);
            string repoId = result.GetValue(repo)!;
            string? path = result.GetValue(file);
            var options = new OpenReadOptions { Revision = result.GetValue(revision), RepoType = GlobalOptions.ParseRepoType(result) };
            bool asJson = result.GetValue(json);

            if (path is null)
            {
                try
                {
                    SafetensorsRepoMetadata checkpoint = await api.GetSafetensorsMetadataAsync(repoId, options, cancellationToken).ConfigureAwait(false);
                    await (asJson ? WriteJsonAsync(context, checkpoint) : WriteTextAsync(context, checkpoint)).ConfigureAwait(false);
                    return ExitCodes.Ok;
                }
                catch (NotASafetensorsRepoException)
                {
                    path = await SingleGgufAsync(api, repoId, options, cancellationToken).ConfigureAwait(false);
                }
            }
            if (path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
            {
                SafetensorsFileMetadata header = await api.GetSafetensorsFileMetadataAsync(repoId, path, options, cancellationToken).ConfigureAwait(false);
                await (asJson ? WriteJsonAsync(context, header) : WriteTextAsync(context, path, header)).ConfigureAwait(false);
                return ExitCodes.Ok;
            }
            GgufMetadata gguf = await api.GetGgufMetadataAsync(repoId, path, options, cancellationToken).ConfigureAwait(false);
            await (asJson ? GgufJson.WriteAsync(context.Output, gguf) : WriteTextAsync(context, path, gguf)).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<string> SingleGgufAsync(HubApi api, string repoId, OpenReadOptions options, CancellationToken cancellationToken)
    {
        var ggufs = new List<string>();
        await foreach (RepoTreeEntry entry in api.ListRepoTreeAsync(repoId, recursive: true, revision: options.Revision, repoType: options.RepoType, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (entry is RepoFile f && f.Path.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase)) ggufs.Add(f.Path);
        }
        return ggufs.Count switch
        {
            1 => ggufs[0],
            0 => throw new CliException($"{repoId} has neither a safetensors checkpoint nor a .gguf file."),
            _ => throw new CliException($"{repoId} has {ggufs.Count} .gguf files; name one: {string.Join(", ", ggufs.Take(10))}{(ggufs.Count > 10 ? ", …" : "")}"),
        };
    }

    private static async Task WriteTextAsync(CliContext context, SafetensorsRepoMetadata checkpoint)
    {
        TextWriter o = context.Output;
        await o.WriteLineAsync($"format:      safetensors{(checkpoint.IsSharded ? $" ({Plural.Of(checkpoint.Files.Count, "shard")})" : "")}").ConfigureAwait(false);
        await o.WriteLineAsync($"tensors:     {Tables.Count(checkpoint.Files.Values.Sum(f => f.Tensors.Count))}").ConfigureAwait(false);
        await o.WriteLineAsync($"parameters:  {Tables.Count(checkpoint.ParameterCount.Values.Sum())}").ConfigureAwait(false);
        foreach ((string dtype, long count) in checkpoint.ParameterCount) await o.WriteLineAsync($"  {dtype,-8} {Tables.Count(count)}").ConfigureAwait(false);
        if (checkpoint.IsSharded)
        {
            await o.WriteLineAsync("shards:").ConfigureAwait(false);
            foreach ((string path, SafetensorsFileMetadata file) in checkpoint.Files.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                await o.WriteLineAsync($"  {path}  {Plural.Of(file.Tensors.Count, "tensor")}, {Tables.Count(file.ParameterCount.Values.Sum())} {Plural.Noun(file.ParameterCount.Values.Sum(), "parameter")}").ConfigureAwait(false);
            }
        }
    }

    private static async Task WriteTextAsync(CliContext context, string path, SafetensorsFileMetadata file)
    {
        TextWriter o = context.Output;
        await o.WriteLineAsync($"file:        {path} (safetensors)").ConfigureAwait(false);
        await o.WriteLineAsync($"tensors:     {Tables.Count(file.Tensors.Count)}").ConfigureAwait(false);
        await o.WriteLineAsync($"parameters:  {Tables.Count(file.ParameterCount.Values.Sum())}").ConfigureAwait(false);
        foreach ((string dtype, long count) in file.ParameterCount) await o.WriteLineAsync($"  {dtype,-8} {Tables.Count(count)}").ConfigureAwait(false);
    }

    private static async Task WriteTextAsync(CliContext context, string path, GgufMetadata gguf)
    {
        TextWriter o = context.Output;
        await o.WriteLineAsync($"file:           {path} (GGUF v{gguf.Version})").ConfigureAwait(false);
        await o.WriteLineAsync($"architecture:   {gguf.Architecture}").ConfigureAwait(false);
        if (gguf.Name is { } name) await o.WriteLineAsync($"name:           {name}").ConfigureAwait(false);
        await o.WriteLineAsync($"quantization:   {gguf.Quantization}").ConfigureAwait(false);
        await o.WriteLineAsync($"context length: {(gguf.ContextLength is { } c ? c.ToString("N0", CultureInfo.InvariantCulture) : "")}").ConfigureAwait(false);
        await o.WriteLineAsync($"tensors:        {Tables.Count(gguf.Tensors.Count)}").ConfigureAwait(false);
        await o.WriteLineAsync($"parameters:     {gguf.ParameterCount.ToString("N0", CultureInfo.InvariantCulture)}").ConfigureAwait(false);
        await o.WriteLineAsync($"metadata keys:  {gguf.Metadata.Count}").ConfigureAwait(false);
    }

    private static Task WriteJsonAsync(CliContext context, SafetensorsRepoMetadata checkpoint) => WriteJson(context.Output, w =>
    {
        w.WriteStartObject();
        w.WriteString("format", "safetensors");
        w.WriteBoolean("sharded", checkpoint.IsSharded);
        WriteCounts(w, checkpoint.ParameterCount);
        if (checkpoint.Metadata is { } metadata) WriteStrings(w, "metadata", metadata);
        w.WriteStartObject("files");
        foreach ((string path, SafetensorsFileMetadata file) in checkpoint.Files)
        {
            w.WritePropertyName(path);
            WriteFile(w, file);
        }
        w.WriteEndObject();
        w.WriteEndObject();
    });

    private static Task WriteJsonAsync(CliContext context, SafetensorsFileMetadata file) => WriteJson(context.Output, w => WriteFile(w, file));

    private static void WriteFile(Utf8JsonWriter w, SafetensorsFileMetadata file)
    {
        w.WriteStartObject();
        w.WriteNumber("header_size", file.HeaderSize);
        WriteStrings(w, "metadata", file.Metadata);
        WriteCounts(w, file.ParameterCount);
        w.WriteStartObject("tensors");
        foreach ((string name, SafetensorsTensorInfo tensor) in file.Tensors)
        {
            w.WriteStartObject(name);
            w.WriteString("dtype", tensor.Dtype);
            w.WriteStartArray("shape");
            foreach (long d in tensor.Shape) w.WriteNumberValue(d);
            w.WriteEndArray();
            w.WriteStartArray("data_offsets");
            w.WriteNumberValue(tensor.DataStart);
            w.WriteNumberValue(tensor.DataEnd);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteCounts(Utf8JsonWriter w, IReadOnlyDictionary<string, long> counts)
    {
        w.WriteStartObject("parameter_count");
        foreach ((string dtype, long count) in counts) w.WriteNumber(dtype, count);
        w.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IReadOnlyDictionary<string, string> values)
    {
        w.WriteStartObject(name);
        foreach ((string key, string value) in values) w.WriteString(key, value);
        w.WriteEndObject();
    }

    internal static async Task WriteJson(TextWriter output, Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(w);
        }
        await output.WriteLineAsync(Encoding.UTF8.GetString(stream.ToArray())).ConfigureAwait(false);
    }
}
