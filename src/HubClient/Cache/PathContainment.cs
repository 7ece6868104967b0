namespace HubClient;

/// <summary>
/// Physical containment of paths: resolves symlinks component by component, so a path that looks like it is inside the
/// cache but goes through a symlink leading elsewhere is recognised as outside.
/// </summary>
internal static class PathContainment
{
    private const int MaxLinkDepth = 40;

    private static StringComparison Comparison =>
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <summary>
    /// Whether the entry <paramref name="path"/> (itself possibly a symlink, which is not followed) sits physically inside
    /// <paramref name="root"/>: every folder on the way, resolved, is <paramref name="root"/> or below it.
    /// </summary>
    public static bool IsEntryInside(string path, string root)
    {
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        string? parent = Path.GetDirectoryName(full);
        if (parent is null) return false;
        string realRoot = RealPath(root);
        string realParent = RealPath(parent);
        return IsSameOrBelow(realParent, realRoot);
    }

    /// <summary>Whether <paramref name="path"/> equals <paramref name="folder"/> or lies below it, comparing the text only.</summary>
    public static bool IsSameOrBelow(string path, string folder)
    {
        string p = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        string f = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        return p.Equals(f, Comparison) || p.StartsWith(f + Path.DirectorySeparatorChar, Comparison);
    }

    /// <summary>Whether <paramref name="path"/> is directly inside <paramref name="folder"/>, comparing the text only.</summary>
    public static bool IsDirectChild(string path, string folder) =>
        Path.GetDirectoryName(Path.GetFullPath(path)) is { } parent
        && Path.TrimEndingDirectorySeparator(parent).Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)), Comparison);

    /// <summary>
    /// The entry <paramref name="path"/> (itself possibly a symlink, which is not followed: a repo blob may link into the
    /// shared store) named as an entry of <paramref name="folder"/> when it is one: directly inside it as written, or
    /// physically (the folders resolved) — an absolute link through another name of the cache then names the same blob as
    /// a relative one; null when it is not directly inside.
    /// </summary>
    public static string? AsDirectChild(string path, string folder)
    {
        string full = Path.GetFullPath(path);
        if (IsDirectChild(full, folder)) return full;
        string? parent = Path.GetDirectoryName(full);
        return parent is not null && string.Equals(RealPath(parent), RealPath(folder), Comparison)
            ? Path.Combine(Path.GetFullPath(folder), Path.GetFileName(full))
            : null;
    }

    /// <summary>A symlink's target as a full path (a relative one taken from the link's folder), neither followed nor required to exist; null for no link.</summary>
    public static string? LexicalTarget(FileSystemInfo link)
    {
        string? target = link.LinkTarget;
        if (target is null) return null;
        return Path.GetFullPath(Path.IsPathRooted(target) ? target : Path.Combine(Path.GetDirectoryName(link.FullName)!, target));
    }

    /// <summary>The path with every symlink on the way resolved (missing components are kept as written).</summary>
    public static string RealPath(string path) => RealPath(path, 0);

    private static string RealPath(string path, int depth)
    {
        if (depth > MaxLinkDepth) throw new IOException($"Too many levels of symbolic links resolving '{path}'.");
        string full = Path.GetFullPath(path);
        string root = Path.GetPathRoot(full) ?? "";
        string current = root;
        foreach (string part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            string next = Path.Combine(current, part);
            string? target = LinkTarget(next);
            if (target is not null)
            {
                next = RealPath(Path.IsPathRooted(target) ? target : Path.Combine(current, target), depth + 1);
            }
            current = next;
        }
        return Path.TrimEndingDirectorySeparator(current) is { Length: > 0 } trimmed ? trimmed : current;
    }

    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
