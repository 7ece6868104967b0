using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HubClient.Testing;

/// <summary>
/// Writes a repository the way the hub's API does, in repo info and in listings, keeping only the fields a request selects
/// (<c>expand</c>, <c>full</c>, <c>cardData</c>). <see cref="FakeRepo.InfoFields"/> add fields or replace standard ones.
/// </summary>
internal static class FakeRepoJson
{
    /// <summary>The fields a listing reports without <c>full</c> or <c>expand</c>.</summary>
    private static readonly HashSet<string> ListingFields = new(StringComparer.Ordinal)
    {
        "likes", "downloads", "trendingScore", "private", "tags", "pipeline_tag", "library_name", "createdAt",
    };

    /// <summary>Which fields repo info reports: all of them, or only those of <paramref name="expand"/>.</summary>
    public static Func<string, bool> InfoSelection(IReadOnlyCollection<string> expand) =>
        expand.Count > 0 ? expand.Contains : _ => true;

    /// <summary>Which fields a listing reports, as the hub chooses them from <c>expand</c>, <c>full</c> and <c>cardData</c>.</summary>
    public static Func<string, bool> ListingSelection(IReadOnlyCollection<string> expand, bool full, bool cardData)
    {
        if (expand.Count > 0) return expand.Contains;
        if (full) return name => name != "cardData" || cardData;
        return name => ListingFields.Contains(name) || (cardData && name == "cardData");
    }

    public static void Write(Utf8JsonWriter w, FakeRepo repo, FakeCommit? commit, bool blobs, Func<string, bool> include)
    {
        w.WriteStartObject();
        w.WriteString("_id", "fake" + repo.Id.GetHashCode(StringComparison.Ordinal).ToString("x", CultureInfo.InvariantCulture));
        w.WriteString("id", repo.Id);
        bool Wants(string name) => include(name) && !repo.InfoFields.ContainsKey(name);
        if (Wants("author") && repo.Id.Contains('/', StringComparison.Ordinal)) w.WriteString("author", repo.Id.Split('/')[0]);
        if (commit is not null)
        {
            if (Wants("sha")) w.WriteString("sha", commit.Sha);
            if (Wants("lastModified")) w.WriteString("lastModified", Date(commit.Date));
        }
        if (Wants("createdAt")) w.WriteString("createdAt", Date(repo.CreatedAt));
        if (Wants("private")) w.WriteBoolean("private", repo.Private);
        if (Wants("gated"))
        {
            if (repo.Gated) w.WriteString("gated", "auto");
            else w.WriteBoolean("gated", false);
        }
        if (Wants("disabled")) w.WriteBoolean("disabled", repo.Disabled);
        if (Wants("downloads") && repo.Type != RepoType.Space) w.WriteNumber("downloads", repo.Downloads);
        if (Wants("likes")) w.WriteNumber("likes", repo.Likes);
        if (Wants("trendingScore")) w.WriteNumber("trendingScore", repo.TrendingScore);
        if (Wants("tags"))
        {
            w.WriteStartArray("tags");
            foreach (string tag in repo.RepoTags) w.WriteStringValue(tag);
            w.WriteEndArray();
        }
        if (Wants("pipeline_tag") && repo.PipelineTag is not null) w.WriteString("pipeline_tag", repo.PipelineTag);
        if (Wants("library_name") && repo.LibraryName is not null) w.WriteString("library_name", repo.LibraryName);
        if (Wants("siblings") && commit is not null) WriteSiblings(w, commit, blobs);
        foreach ((string name, JsonNode? value) in repo.InfoFields)
        {
            if (!include(name)) continue;
            w.WritePropertyName(name);
            if (value is null) w.WriteNullValue();
            else value.WriteTo(w);
        }
        w.WriteEndObject();
    }

    private static void WriteSiblings(Utf8JsonWriter w, FakeCommit commit, bool blobs)
    {
        w.WriteStartArray("siblings");
        foreach (FakeFile file in commit.Files.Values.OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            w.WriteStartObject();
            w.WriteString("rfilename", file.Path);
            if (blobs)
            {
                w.WriteNumber("size", file.Size);
                w.WriteString("blobId", file.GitSha1);
                if (file.IsLfs) FakeTreeJson.WriteLfs(w, file, "sha256");
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    internal static string Date(DateTimeOffset date) => date.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}
