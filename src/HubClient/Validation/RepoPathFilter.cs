namespace HubClient;

/// <summary>
/// huggingface_hub's <c>filter_repo_objects</c>: a path is selected when it matches some allow pattern (if any are given)
/// and no ignore pattern. Patterns are <see cref="FnMatch"/> (case-sensitive, <c>*</c> crosses <c>/</c>); a pattern ending
/// in <c>/</c> gets <c>*</c> appended (a whole folder); backslashes are read as <c>/</c> in patterns and paths alike.
/// </summary>
internal sealed class RepoPathFilter
{
    private readonly FnMatch[]? _allow;
    private readonly FnMatch[]? _ignore;

    public RepoPathFilter(IEnumerable<string>? allowPatterns, IEnumerable<string>? ignorePatterns)
    {
        _allow = Compile(allowPatterns, nameof(allowPatterns));
        _ignore = Compile(ignorePatterns, nameof(ignorePatterns));
    }

    public bool IsSelected(string path)
    {
        string normalized = NormalizeSeparators(path);
        if (_allow is not null && !_allow.Any(p => p.IsMatch(normalized))) return false;
        return _ignore is null || !_ignore.Any(p => p.IsMatch(normalized));
    }

    private static FnMatch[]? Compile(IEnumerable<string>? patterns, string paramName)
    {
        if (patterns is null) return null;
        return patterns.Select(p =>
        {
            if (p is null) throw new ArgumentException("A pattern is null.", paramName);
            string pattern = NormalizeSeparators(p);
            return new FnMatch(pattern.EndsWith('/') ? pattern + "*" : pattern);
        }).ToArray();
    }

    private static string NormalizeSeparators(string value) => value.Replace('\\', '/');
}
