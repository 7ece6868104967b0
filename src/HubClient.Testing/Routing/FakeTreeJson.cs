using System.Text;
using System.Text.Json;

namespace HubClient.Testing;

/// <summary>Writes tree entries (tree listings, paths-info) the way the hub does, with last commit and security scan when expanded.</summary>
internal static class FakeTreeJson
{
    /// <summary>Writes a file entry, or a folder entry when <paramref name="file"/> is null.</summary>
    public static void WriteEntry(Utf8JsonWriter w, FakeCommit commit, string path, FakeFile? file, bool expand)
    {
        w.WriteStartObject();
        if (file is null)
        {
            w.WriteString("type", "directory");
            w.WriteString("oid", FakeFile.GitBlobSha1(Encoding.UTF8.GetBytes(path)));
            w.WriteNumber("size", 0);
            w.WriteString("path", path);
        }
        else
        {
            w.WriteString("type", "file");
            w.WriteString("oid", file.GitSha1);
            w.WriteNumber("size", file.Size);
            w.WriteString("path", path);
            if (file.IsLfs) WriteLfs(w, file, "oid");
            if (file.XetHash is not null) w.WriteString("xetHash", file.XetHash);
        }
        if (expand)
        {
            FakeCommit last = LastChange(commit, path);
            w.WriteStartObject("lastCommit");
            w.WriteString("id", last.Sha);
            w.WriteString("title", last.Title);
            w.WriteString("date", FakeRepoJson.Date(last.Date));
            w.WriteEndObject();
            if (file is not null)
            {
                w.WriteStartObject("securityFileStatus");
                w.WriteString("status", "safe");
                w.WriteStartObject("avScan");
                w.WriteBoolean("virusFound", false);
                w.WriteNull("virusNames");
                w.WriteEndObject();
                w.WriteNull("pickleImportScan");
                w.WriteEndObject();
            }
        }
        w.WriteEndObject();
    }

    public static void WriteLfs(Utf8JsonWriter w, FakeFile file, string oidName)
    {
        w.WriteStartObject("lfs");
        w.WriteString(oidName, file.Sha256);
        w.WriteNumber("size", file.Size);
        w.WriteNumber("pointerSize", 134);
        w.WriteEndObject();
    }

    /// <summary>The oldest commit, going back from <paramref name="commit"/>, since which nothing at or under <paramref name="path"/> changed.</summary>
    private static FakeCommit LastChange(FakeCommit commit, string path)
    {
        string Content(FakeCommit c) => string.Join('\n', c.Files.Values
            .Where(f => f.Path == path || f.Path.StartsWith(path + "/", StringComparison.Ordinal))
            .OrderBy(f => f.Path, StringComparer.Ordinal)
            .Select(f => f.Path + ":" + f.Etag));
        string content = Content(commit);
        FakeCommit last = commit;
        while (last.Parent is { } parent && Content(parent) == content) last = parent;
        return last;
    }
}
