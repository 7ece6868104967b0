namespace HubClient;

/// <summary>Revision names: branches, tags, <c>refs/pr/N</c> and 40-hex commits.</summary>
internal static class Revision
{
    /// <summary>The revision used when none is given.</summary>
    public const string Default = "main";

    /// <summary>Whether <paramref name="revision"/> is a full commit hash (40 lowercase hex).</summary>
    public static bool IsCommitHash(string? revision) =>
        revision is { Length: 40 } && revision.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    /// <summary>
    /// Throws <see cref="ArgumentException"/> unless the revision is safe to use as a URL segment and as a
    /// path under <c>refs/</c> (branches with '/' nest there, so '..' and empty segments are refused).
    /// </summary>
    public static string Normalize(string? revision, string paramName = "revision")
    {
        if (revision is null) return Default;
        string? problem = null;
        if (revision.Length == 0) problem = "it is empty.";
        else if (revision.Any(c => c == '\0' || char.IsControl(c))) problem = "it contains a control character.";
        else if (revision.Contains('\\', StringComparison.Ordinal)) problem = "backslashes are not allowed.";
        else if (revision.Split('/').Any(s => s is "" or "." or "..")) problem = "empty, '.' and '..' segments are not allowed.";
        if (problem is not null)
        {
            throw new ArgumentException($"Invalid revision '{RepoId.Printable(revision)}': {problem}", paramName);
        }
        return revision;
    }
}
