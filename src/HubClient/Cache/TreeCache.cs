using System.Text.Encodings.Web;
using System.Text.Json;

namespace HubClient;

/// <summary>
/// huggingface_hub's cache of tree listings, <c>trees/{commit}.json</c> in the repo folder (or in
/// <c>{local dir}/.cache/huggingface/</c>): a commit's files never change, so the listing is kept forever. It lets a
/// snapshot of a commit skip the listing request, and lets an offline snapshot tell whether every file is present.
/// Same format as Python's (<c>{"format_version": 1, "files": {path: {size, blob_id, lfs_sha256, lfs_size, xet_hash}}}</c>),
/// so both clients read what the other wrote.
/// </summary>
internal static class TreeCache
{
    private const int FormatVersion = 1;

    public static string PathFor(string folder, string commit) => Path.Combine(folder, "trees", commit + ".json");

    /// <summary>The cached listing of <paramref name="commit"/>, or null when absent, of another format, or unreadable.</summary>
    public static IReadOnlyList<TreeFile>? Read(string folder, string commit)
    {
        byte[] json;
        try
        {
            json = File.ReadAllBytes(PathFor(folder, commit));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        try
        {
            using var doc = JsonDocument.Parse(json);
            JsonElement root = doc.RootElement;
            if (!root.TryGetProperty("format_version", out JsonElement version) || version.ValueKind != JsonValueKind.Number || version.GetInt32() != FormatVersion) return null;
            var files = new List<TreeFile>();
            foreach (JsonProperty entry in root.GetProperty("files").EnumerateObject())
            {
                JsonElement info = entry.Value;
                var file = new TreeFile(
                    entry.Name,
                    info.GetProperty("size").GetInt64(),
                    info.GetProperty("blob_id").GetString()!,
                    OptionalString(info, "lfs_sha256"),
                    info.TryGetProperty("lfs_size", out JsonElement lfsSize) && lfsSize.ValueKind == JsonValueKind.Number ? lfsSize.GetInt64() : null,
                    OptionalString(info, "xet_hash"));
                if (!RepoPath.IsValid(file.Path) || !IsUsable(file)) return null;
                files.Add(file);
            }
            return files;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Writes the listing atomically (best effort: a read-only cache only loses the shortcut).</summary>
    public static void Write(string folder, string commit, IReadOnlyList<TreeFile> files)
    {
        if (!files.All(IsUsable)) return; // huggingface_hub refuses such listings too.
        string path = PathFor(folder, commit);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            string temp = AtomicFile.TempSibling(path);
            try
            {
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
                using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, IndentSize = 1, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
                {
                    w.WriteStartObject();
                    w.WriteNumber("format_version", FormatVersion);
                    w.WriteStartObject("files");
                    foreach (TreeFile file in files.OrderBy(f => f.Path, StringComparer.Ordinal))
                    {
                        w.WriteStartObject(file.Path);
                        w.WriteNumber("size", file.Size);
                        w.WriteString("blob_id", file.BlobId);
                        if (file.LfsSha256 is not null)
                        {
                            w.WriteString("lfs_sha256", file.LfsSha256);
                            if (file.LfsSize is { } lfsSize) w.WriteNumber("lfs_size", lfsSize);
                            else w.WriteNull("lfs_size");
                        }
                        if (file.XetHash is not null) w.WriteString("xet_hash", file.XetHash);
                        w.WriteEndObject();
                    }
                    w.WriteEndObject();
                    w.WriteEndObject();
                }
                File.Move(temp, path, overwrite: true);
            }
            finally
            {
                AtomicFile.TryDelete(temp);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only a shortcut is lost.
        }
    }

    /// <summary>Xet hashes must be 64 hex (as huggingface_hub checks); etags must be content hashes usable as blob names.</summary>
    private static bool IsUsable(TreeFile file) =>
        (file.XetHash is null || IsHex(file.XetHash, 64)) && ContentHasher.IsContentHash(file.Etag) && file.ContentSize >= 0;

    private static bool IsHex(string s, int length) =>
        s.Length == length && s.All(char.IsAsciiHexDigit);

    private static string? OptionalString(JsonElement info, string name) =>
        info.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
