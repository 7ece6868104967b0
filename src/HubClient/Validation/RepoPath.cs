namespace HubClient;

/// <summary>
/// Validates file paths inside a repository, whether a caller or a server listing supplied them, so that joining
/// them to a cache or local folder can never escape it.
/// </summary>
internal static class RepoPath
{
    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="path"/> is a safe relative POSIX path.</summary>
    public static void Validate(string path, string paramName = "path")
    {
        ArgumentNullException.ThrowIfNull(path, paramName);
        string? problem = Check(path);
        if (problem is not null)
        {
            throw new ArgumentException($"Invalid repository path '{RepoId.Printable(path)}': {problem}", paramName);
        }
    }

    /// <summary>Whether <paramref name="path"/> passes <see cref="Validate"/>.</summary>
    public static bool IsValid(string path) => Check(path) is null;

    private static string? Check(string path)
    {
        if (path.Length == 0) return "it is empty.";
        foreach (char c in path)
        {
            if (c == '\0') return "it contains a NUL character.";
            if (char.IsControl(c)) return "it contains a control character.";
        }
        if (path.Contains('\\', StringComparison.Ordinal)) return "backslashes are not allowed; use '/'.";
        if (path[0] == '/') return "it must be relative to the repository root.";
        if (path.Length >= 2 && char.IsAsciiLetter(path[0]) && path[1] == ':') return "a drive letter is not allowed.";
        foreach (string segment in path.Split('/'))
        {
            if (segment.Length == 0) return "it has an empty segment ('//' or a trailing '/').";
            if (segment is "." or "..") return "'.' and '..' segments are not allowed.";
            if (segment.Length >= 2 && char.IsAsciiLetter(segment[0]) && segment[1] == ':') return "a drive letter is not allowed.";
        }
        return null;
    }
}
