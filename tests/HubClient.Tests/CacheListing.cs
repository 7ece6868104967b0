using System.Globalization;

namespace HubClient.Tests;

/// <summary>
/// Everything under a folder with its kind, size, modification time and link target: two equal listings mean nothing was
/// created, deleted, renamed or written in between (a folder's mtime changes when entries come or go).
/// </summary>
public static class CacheListing
{
    public static IReadOnlyList<string> Of(string root)
    {
        var lines = new List<string> { Line(root, root) };
        foreach (string entry in Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            lines.Add(Line(root, entry));
        }
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private static string Line(string root, string path)
    {
        var info = new FileInfo(path);
        string relative = Path.GetRelativePath(root, path);
        if (info.LinkTarget is { } target) return $"{relative} link {target}";
        if (Directory.Exists(path)) return string.Create(CultureInfo.InvariantCulture, $"{relative} dir {Directory.GetLastWriteTimeUtc(path).Ticks}");
        return string.Create(CultureInfo.InvariantCulture, $"{relative} file {info.Length} {info.LastWriteTimeUtc.Ticks}");
    }
}
