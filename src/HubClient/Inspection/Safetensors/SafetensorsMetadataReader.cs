using System.Text.Json;
using System.Text.Unicode;

namespace HubClient;

/// <summary>
/// <c>get_safetensors_metadata</c>: <c>model.safetensors</c> if the repository has one, else the shards named by
/// <c>model.safetensors.index.json</c>'s <c>weight_map</c>, each read header-only (<see cref="SafetensorsHeaderReader"/>),
/// a few shards at a time.
/// </summary>
internal sealed class SafetensorsMetadataReader
{
    public const string SingleFile = "model.safetensors";
    public const string IndexFile = "model.safetensors.index.json";
    private const int MaxIndexSize = 64 * 1024 * 1024;
    private const int MaxParallelShards = 8;

    private readonly RemoteFileOpener _files;

    public SafetensorsMetadataReader(RemoteFileOpener files) => _files = files;

    public async Task<SafetensorsRepoMetadata> ReadAsync(RepoType repoType, string repoId, string revision, CancellationToken cancellationToken)
    {
        IRangeReader? single = null;
        LocalEntryNotFoundException? singleNotHeld = null;
        try
        {
            single = await TryOpenAsync(repoType, repoId, revision, SingleFile, cancellationToken).ConfigureAwait(false);
        }
        catch (LocalEntryNotFoundException e)
        {
            // Offline (or the hub unreachable) and no single file cached: a cached sharded checkpoint may still be there.
            singleNotHeld = e;
        }
        if (single is not null)
        {
            SafetensorsFileMetadata file;
            using (single) file = await SafetensorsHeaderReader.ReadAsync(single, SingleFile, cancellationToken).ConfigureAwait(false);
            var weightMap = file.Tensors.Keys.ToDictionary(name => name, _ => SingleFile, StringComparer.Ordinal);
            return new SafetensorsRepoMetadata(null, isSharded: false, weightMap, new Dictionary<string, SafetensorsFileMetadata> { [SingleFile] = file }, SingleFile);
        }

        IRangeReader index = await TryOpenAsync(repoType, repoId, revision, IndexFile, cancellationToken).ConfigureAwait(false)
            ?? throw (Exception?)singleNotHeld
            ?? new NotASafetensorsRepoException($"'{repoId}' is not a safetensors repo. Couldn't find '{IndexFile}' or '{SingleFile}' files.", repoId);
        // The shards are read at the index's commit: a push between the reads must not pair one commit's map with another's headers.
        string shardRevision = index.Commit ?? revision;
        (IReadOnlyDictionary<string, string>? metadata, Dictionary<string, string> map) = await ReadIndexAsync(index, cancellationToken).ConfigureAwait(false);

        string[] shards = map.Values.Distinct(StringComparer.Ordinal).ToArray();
        var files = new SafetensorsFileMetadata[shards.Length];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, shards.Length),
            new ParallelOptions { MaxDegreeOfParallelism = MaxParallelShards, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                using IRangeReader shard = await _files.OpenAsync(repoType, repoId, shardRevision, shards[i], token).ConfigureAwait(false);
                files[i] = await SafetensorsHeaderReader.ReadAsync(shard, shards[i], token).ConfigureAwait(false);
            }).ConfigureAwait(false);
        var byPath = new Dictionary<string, SafetensorsFileMetadata>(StringComparer.Ordinal);
        for (int i = 0; i < shards.Length; i++) byPath[shards[i]] = files[i];
        return new SafetensorsRepoMetadata(metadata, isSharded: true, map, byPath, IndexFile);
    }

    private async Task<IRangeReader?> TryOpenAsync(RepoType repoType, string repoId, string revision, string path, CancellationToken cancellationToken)
    {
        try
        {
            return await _files.OpenAsync(repoType, repoId, revision, path, cancellationToken).ConfigureAwait(false);
        }
        catch (EntryNotFoundException)
        {
            return null;
        }
    }

    private static async Task<(IReadOnlyDictionary<string, string>? Metadata, Dictionary<string, string> WeightMap)> ReadIndexAsync(IRangeReader index, CancellationToken cancellationToken)
    {
        using (index)
        {
            if (index.Length > MaxIndexSize) throw IndexError($"it has {index.Length} bytes, more than {MaxIndexSize}.", null);
            byte[] json = new byte[index.Length];
            await index.ReadAsync(0, json, cancellationToken).ConfigureAwait(false);
            // JsonDocument accepts invalid UTF-8 inside strings and fails only when one is read, untyped.
            if (!Utf8.IsValid(json)) throw IndexError("it is not valid UTF-8.", null);
            try
            {
                using var document = JsonDocument.Parse(json);
                JsonElement root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object) throw IndexError("it is not a JSON object.", null);
                Dictionary<string, string>? metadata = null;
                if (root.TryGetProperty("metadata", out JsonElement meta) && meta.ValueKind == JsonValueKind.Object)
                {
                    metadata = meta.EnumerateObject().ToDictionary(
                        p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText(), StringComparer.Ordinal);
                }
                var map = new Dictionary<string, string>(StringComparer.Ordinal);
                if (root.TryGetProperty("weight_map", out JsonElement weights))
                {
                    if (weights.ValueKind != JsonValueKind.Object) throw IndexError("weight_map is not an object.", null);
                    foreach (JsonProperty entry in weights.EnumerateObject())
                    {
                        if (entry.Value.ValueKind != JsonValueKind.String || !RepoPath.IsValid(entry.Value.GetString()!))
                        {
                            throw IndexError($"weight_map names '{entry.Value.GetRawText()}' for '{entry.Name}', not a file path.", null);
                        }
                        map[entry.Name] = entry.Value.GetString()!;
                    }
                }
                return (metadata, map);
            }
            catch (JsonException e)
            {
                throw IndexError($"it is not valid JSON ({e.Message}).", e);
            }
        }
    }

    private static HubFileFormatException IndexError(string reason, Exception? inner) =>
        new($"'{IndexFile}' is not a valid safetensors index: {reason}", IndexFile, inner);
}
