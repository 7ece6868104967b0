using System.Text;
using System.Text.RegularExpressions;

namespace HubClient;

/// <summary>
/// Python's <c>fnmatch.fnmatchcase</c>, which huggingface_hub uses to select snapshot files: <c>*</c> matches any run of
/// characters (including <c>/</c>), <c>?</c> any one character, <c>[seq]</c> / <c>[!seq]</c> a character (not) in the set
/// with <c>a-z</c> ranges; there is no escape character; matching is case-sensitive and covers the whole path.
/// </summary>
/// <remarks>
/// Written here because no .NET library has these semantics: <c>Microsoft.Extensions.FileSystemGlobbing</c> and the
/// file system's own patterns stop <c>*</c> at <c>/</c> and treat case and brackets differently. The pattern is
/// translated to a <see cref="RegexOptions.NonBacktracking"/> regular expression, so matching is linear in the path length
/// whatever the pattern. Set edge cases follow CPython: a <c>]</c> right after <c>[</c> or <c>[!</c> is a member, a
/// <c>-</c> first or last is literal, a reversed range such as <c>z-a</c> is dropped, an empty set matches nothing and an
/// empty negated set any character, and an unclosed <c>[</c> is a literal.
/// </remarks>
internal sealed class FnMatch
{
    private readonly Regex _regex;

    public FnMatch(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        Pattern = pattern;
        _regex = new Regex(Translate(pattern), RegexOptions.NonBacktracking | RegexOptions.Singleline | RegexOptions.CultureInvariant);
    }

    public string Pattern { get; }

    public bool IsMatch(string path) => _regex.IsMatch(path);

    /// <summary>The anchored .NET regular expression equivalent to <paramref name="pattern"/>.</summary>
    internal static string Translate(string pattern)
    {
        var regex = new StringBuilder(@"\A(?:");
        int i = 0;
        int n = pattern.Length;
        bool afterStar = false;
        while (i < n)
        {
            char c = pattern[i++];
            if (c == '*')
            {
                if (!afterStar) regex.Append(".*"); // Consecutive stars mean one.
                afterStar = true;
                continue;
            }
            afterStar = false;
            switch (c)
            {
                case '?':
                    regex.Append('.');
                    break;
                case '[':
                    i = AppendSet(pattern, i, regex);
                    break;
                default:
                    regex.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }
        return regex.Append(@")\z").ToString();
    }

    /// <summary>Translates the set starting after the '[' at <paramref name="start"/> - 1; returns the index after it.</summary>
    private static int AppendSet(string pattern, int start, StringBuilder regex)
    {
        int n = pattern.Length;
        int j = start;
        if (j < n && pattern[j] == '!') j++;
        if (j < n && pattern[j] == ']') j++;
        while (j < n && pattern[j] != ']') j++;
        if (j >= n)
        {
            regex.Append(@"\["); // Unclosed: a literal '['.
            return start;
        }

        string content = pattern[start..j];
        bool negate = content.StartsWith('!');
        if (negate) content = content[1..];

        var members = new StringBuilder();
        int k = 0;
        while (k < content.Length)
        {
            // A '-' between two characters makes a range; the first member can never start one with the '-' before it.
            if (k + 2 < content.Length && content[k + 1] == '-')
            {
                char low = content[k];
                char high = content[k + 2];
                if (low <= high) members.Append(EscapeInSet(low)).Append('-').Append(EscapeInSet(high));
                k += 3;
            }
            else
            {
                members.Append(EscapeInSet(content[k]));
                k++;
            }
        }

        if (members.Length == 0) regex.Append(negate ? "." : @"[^\s\S]"); // Empty set: nothing; empty negated set: anything.
        else regex.Append('[').Append(negate ? "^" : "").Append(members).Append(']');
        return j + 1;
    }

    private static string EscapeInSet(char c) => c is '\\' or ']' or '[' or '^' or '-' ? "\\" + c : c.ToString();
}
