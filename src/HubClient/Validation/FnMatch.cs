using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace HubClient;

/// <summary>
/// Python's <c>fnmatch.fnmatchcase</c>, which huggingface_hub uses to select snapshot files: <c>*</c> matches any run of
/// characters (including <c>/</c>), <c>?</c> any one character, <c>[seq]</c> / <c>[!seq]</c> a character (not) in the set
/// with <c>a-z</c> ranges; there is no escape character; matching is case-sensitive and covers the whole path. A
/// character is a Unicode code point, as in Python: <c>?</c> matches one emoji, not half of its UTF-16 surrogate pair.
/// </summary>
/// <remarks>
/// Written here because no .NET library has these semantics: <c>Microsoft.Extensions.FileSystemGlobbing</c> and the
/// file system's own patterns stop <c>*</c> at <c>/</c> and treat case and brackets differently. The pattern is
/// translated to a <see cref="RegexOptions.NonBacktracking"/> regular expression, so matching is linear in the path length
/// whatever the pattern. Set edge cases follow CPython: a <c>]</c> right after <c>[</c> or <c>[!</c> is a member, a
/// <c>-</c> first or last is literal, a reversed range such as <c>z-a</c> is dropped, an empty set matches nothing and an
/// empty negated set any character, and an unclosed <c>[</c> is a literal. Sets are computed as code-point ranges and
/// written as a BMP character class plus surrogate-pair alternatives; a lone surrogate (not valid UTF-16, never in a repo
/// path) is read as U+FFFD.
/// </remarks>
internal sealed class FnMatch
{
    /// <summary>One code point of well-formed UTF-16: a character that is no surrogate, or a surrogate pair.</summary>
    private const string AnyCodePoint = @"(?:[^\uD800-\uDFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF])";

    private const string Nothing = @"[^\s\S]";

    // Paths are almost always within the BMP, where one character is one code point: their regex is the simpler one
    // (every '?' one '.'), which keeps long patterns within NonBacktracking's size limit. The code-point regex is built
    // only for a path with a surrogate pair.
    private readonly Regex _bmp;
    private readonly Lazy<Regex> _codePoints;

    /// <exception cref="ArgumentException">The pattern is too large to match in linear time.</exception>
    public FnMatch(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        Pattern = pattern;
        _bmp = Compile(pattern, bmpOnly: true);
        _codePoints = new Lazy<Regex>(() => Compile(pattern, bmpOnly: false));
    }

    public string Pattern { get; }

    public bool IsMatch(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return path.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') < 0 ? _bmp.IsMatch(path) : _codePoints.Value.IsMatch(WellFormed(path));
    }

    private static Regex Compile(string pattern, bool bmpOnly)
    {
        try
        {
            return new Regex(Translate(pattern, bmpOnly), RegexOptions.NonBacktracking | RegexOptions.Singleline | RegexOptions.CultureInvariant);
        }
        catch (NotSupportedException e)
        {
            throw new ArgumentException($"The pattern '{pattern}' is too large to match (its automaton passes the regex engine's limit): {e.Message}", nameof(pattern), e);
        }
    }

    /// <summary>
    /// The anchored .NET regular expression equivalent to <paramref name="pattern"/>: for any path, or (<paramref name="bmpOnly"/>)
    /// for paths without surrogates.
    /// </summary>
    internal static string Translate(string pattern, bool bmpOnly = false)
    {
        string any = bmpOnly ? "." : AnyCodePoint;
        int[] p = CodePoints(pattern);
        var regex = new StringBuilder(@"\A(?:");
        int i = 0;
        bool afterStar = false;
        while (i < p.Length)
        {
            int c = p[i++];
            if (c == '*')
            {
                if (!afterStar) regex.Append(any).Append('*'); // Consecutive stars mean one.
                afterStar = true;
                continue;
            }
            afterStar = false;
            switch (c)
            {
                case '?':
                    regex.Append(any);
                    break;
                case '[':
                    i = AppendSet(p, i, regex, bmpOnly);
                    break;
                default:
                    regex.Append(Regex.Escape(char.ConvertFromUtf32(c)));
                    break;
            }
        }
        return regex.Append(@")\z").ToString();
    }

    /// <summary>Translates the set starting after the '[' at <paramref name="start"/> - 1; returns the index after it.</summary>
    private static int AppendSet(int[] p, int start, StringBuilder regex, bool bmpOnly)
    {
        int n = p.Length;
        int j = start;
        if (j < n && p[j] == '!') j++;
        if (j < n && p[j] == ']') j++;
        while (j < n && p[j] != ']') j++;
        if (j >= n)
        {
            regex.Append(@"\["); // Unclosed: a literal '['.
            return start;
        }

        int k = start;
        bool negate = p[k] == '!';
        if (negate) k++;
        var members = new List<(int Low, int High)>();
        while (k < j)
        {
            // A '-' between two characters makes a range; the first member can never start one with the '-' before it.
            if (k + 2 < j && p[k + 1] == '-')
            {
                if (p[k] <= p[k + 2]) members.Add((p[k], p[k + 2]));
                k += 3;
            }
            else
            {
                members.Add((p[k], p[k]));
                k++;
            }
        }
        List<(int Low, int High)> set = WithoutSurrogates(Merged(members));
        regex.Append(Alternatives(negate ? Complement(set) : set, bmpOnly));
        return j + 1;
    }

    private static List<(int Low, int High)> Merged(List<(int Low, int High)> ranges)
    {
        ranges.Sort();
        var merged = new List<(int Low, int High)>();
        foreach ((int low, int high) in ranges)
        {
            if (merged.Count > 0 && low <= merged[^1].High + 1) merged[^1] = (merged[^1].Low, Math.Max(merged[^1].High, high));
            else merged.Add((low, high));
        }
        return merged;
    }

    private static List<(int Low, int High)> WithoutSurrogates(List<(int Low, int High)> ranges)
    {
        var kept = new List<(int Low, int High)>();
        foreach ((int low, int high) in ranges)
        {
            if (low < 0xD800) kept.Add((low, Math.Min(high, 0xD7FF)));
            if (high > 0xDFFF) kept.Add((Math.Max(low, 0xE000), high));
        }
        return kept;
    }

    /// <summary>Every code point (surrogates aside) not in <paramref name="set"/> (sorted, merged).</summary>
    private static List<(int Low, int High)> Complement(List<(int Low, int High)> set)
    {
        var gaps = new List<(int Low, int High)>();
        int next = 0;
        foreach ((int low, int high) in set)
        {
            if (low > next) gaps.Add((next, low - 1));
            next = high + 1;
        }
        if (next <= 0x10FFFF) gaps.Add((next, 0x10FFFF));
        return WithoutSurrogates(gaps);
    }

    /// <summary>
    /// A regex matching one code point in the ranges: a BMP character class, then surrogate pairs for the rest (none when
    /// <paramref name="bmpOnly"/>: the path has no surrogates).
    /// </summary>
    private static string Alternatives(List<(int Low, int High)> ranges, bool bmpOnly)
    {
        var bmp = new StringBuilder();
        var alternatives = new List<string>();
        foreach ((int low, int high) in ranges)
        {
            if (low <= 0xFFFF) bmp.Append(Escaped(low)).Append('-').Append(Escaped(Math.Min(high, 0xFFFF)));
            if (high > 0xFFFF && !bmpOnly) alternatives.AddRange(SurrogatePairs(Math.Max(low, 0x10000), high));
        }
        if (bmp.Length > 0) alternatives.Insert(0, "[" + bmp + "]");
        return alternatives.Count switch
        {
            0 => Nothing,
            1 => alternatives[0],
            _ => "(?:" + string.Join('|', alternatives) + ")",
        };
    }

    /// <summary>The code points <paramref name="low"/>..<paramref name="high"/> (above the BMP) as UTF-16 surrogate pairs.</summary>
    private static IEnumerable<string> SurrogatePairs(int low, int high)
    {
        (char lowLead, char lowTrail) = Pair(low);
        (char highLead, char highTrail) = Pair(high);
        if (lowLead == highLead)
        {
            yield return $"{Escaped(lowLead)}[{Escaped(lowTrail)}-{Escaped(highTrail)}]";
            yield break;
        }
        yield return $"{Escaped(lowLead)}[{Escaped(lowTrail)}-\\uDFFF]";
        if (highLead - lowLead > 1) yield return $"[{Escaped(lowLead + 1)}-{Escaped(highLead - 1)}][\\uDC00-\\uDFFF]";
        yield return $"{Escaped(highLead)}[\\uDC00-{Escaped(highTrail)}]";
    }

    private static (char Lead, char Trail) Pair(int codePoint)
    {
        string pair = char.ConvertFromUtf32(codePoint);
        return (pair[0], pair[1]);
    }

    private static string Escaped(int c) => "\\u" + c.ToString("X4", CultureInfo.InvariantCulture);

    private static int[] CodePoints(string text)
    {
        var points = new List<int>(text.Length);
        foreach (Rune rune in text.EnumerateRunes()) points.Add(rune.Value); // A lone surrogate enumerates as U+FFFD.
        return [.. points];
    }

    private static string WellFormed(string path)
    {
        var builder = new StringBuilder(path.Length);
        foreach (Rune rune in path.EnumerateRunes()) builder.Append(rune.ToString());
        return builder.ToString();
    }
}
