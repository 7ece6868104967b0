namespace HubClient;

/// <summary>Validates repository ids the way the hub and huggingface_hub do, before any request.</summary>
internal static partial class RepoId
{
    private const int MaxNameLength = 96;

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="repoId"/> is <c>name</c> or <c>namespace/name</c>.</summary>
    public static void Validate(string repoId, string paramName = "repoId")
    {
        ArgumentNullException.ThrowIfNull(repoId, paramName);
        string? problem = Check(repoId);
        if (problem is not null)
        {
            throw new ArgumentException($"Invalid repo id '{Printable(repoId)}': {problem}", paramName);
        }
    }

    private static string? Check(string repoId)
    {
        if (repoId.Length == 0) return "it is empty.";
        string[] parts = repoId.Split('/');
        if (parts.Length > 2) return "expected 'name' or 'namespace/name' (at most one '/').";
        if (repoId.Contains("--", StringComparison.Ordinal) || repoId.Contains("..", StringComparison.Ordinal))
            return "'--' and '..' are forbidden.";
        if (repoId.EndsWith(".git", StringComparison.Ordinal)) return "it must not end with '.git'.";
        foreach (string part in parts)
        {
            if (part.Length == 0) return "a part is empty.";
            foreach (char c in part)
            {
                if (!IsAllowed(c)) return "only letters, digits, '-', '_' and '.' are allowed.";
            }
            if (!IsWordChar(part[0]) || !IsWordChar(part[^1])) return "each part must start and end with a letter, digit or '_'.";
        }
        if (parts[^1].Length > MaxNameLength) return $"the name is longer than {MaxNameLength} characters.";
        return null;
    }

    private static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    private static bool IsAllowed(char c) => IsWordChar(c) || c is '-' or '.';
}
