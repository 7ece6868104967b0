namespace HubClient;

/// <summary>
/// The safetensors checkpoint of a repository, as huggingface_hub's <c>get_safetensors_metadata</c> returns it: a single
/// <c>model.safetensors</c>, or the shards listed by <c>model.safetensors.index.json</c>, with every shard's header.
/// </summary>
public sealed class SafetensorsRepoMetadata
{
    internal SafetensorsRepoMetadata(
        IReadOnlyDictionary<string, string>? metadata, bool isSharded, IReadOnlyDictionary<string, string> weightMap,
        IReadOnlyDictionary<string, SafetensorsFileMetadata> files, string path)
    {
        Metadata = metadata;
        IsSharded = isSharded;
        WeightMap = weightMap;
        Files = files;
        ParameterCount = SafetensorsParameterCounts.ByDtype(files.Values.SelectMany(f => f.Tensors.Values), path);
    }

    /// <summary>The index's <c>metadata</c> object (e.g. <c>total_size</c>), values as JSON text for non-strings; null for a single file.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; }

    /// <summary>Whether the checkpoint is sharded (read through <c>model.safetensors.index.json</c>).</summary>
    public bool IsSharded { get; }

    /// <summary>Which file holds each tensor: tensor name → file path in the repository.</summary>
    public IReadOnlyDictionary<string, string> WeightMap { get; }

    /// <summary>Each file's header, by path in the repository.</summary>
    public IReadOnlyDictionary<string, SafetensorsFileMetadata> Files { get; }

    /// <summary>Parameters (elements) per dtype over every file, e.g. <c>{"BF16": 7241732096}</c>.</summary>
    public IReadOnlyDictionary<string, long> ParameterCount { get; }
}
