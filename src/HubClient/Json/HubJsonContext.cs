using System.Text.Json.Serialization;

namespace HubClient;

/// <summary>
/// Source-generated JSON metadata for the hub's API answers (no reflection: the library stays trimming- and AOT-safe).
/// Nulls where the models do not allow them and discriminators anywhere in an object are accepted as the hub sends them.
/// </summary>
[JsonSourceGenerationOptions(
    RespectNullableAnnotations = true,
    AllowOutOfOrderMetadataProperties = true,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(ModelInfo))]
[JsonSerializable(typeof(DatasetInfo))]
[JsonSerializable(typeof(SpaceInfo))]
[JsonSerializable(typeof(List<ModelInfo>))]
[JsonSerializable(typeof(List<DatasetInfo>))]
[JsonSerializable(typeof(List<SpaceInfo>))]
[JsonSerializable(typeof(List<RepoTreeEntry>))]
[JsonSerializable(typeof(List<CommitInfo>))]
[JsonSerializable(typeof(GitRefs))]
[JsonSerializable(typeof(Xet.XetReconstructionV2))]
[JsonSerializable(typeof(Xet.XetReconstructionV1))]
[JsonSerializable(typeof(Xet.XetReadTokenResponse))]
[JsonSerializable(typeof(Xet.XetBlobRecord))]
internal sealed partial class HubJsonContext : JsonSerializerContext
{
}
