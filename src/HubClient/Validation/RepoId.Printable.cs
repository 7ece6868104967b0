using System.Globalization;
using System.Text;

namespace HubClient;

internal static partial class RepoId
{
    /// <summary>
    /// <paramref name="s"/> with every control character escaped (<c>\0</c>, <c>\n</c>, <c>\u001b</c>…), for messages and
    /// terminals: a name from a folder, a ref file or the hub can then neither break a line nor send escape sequences to the
    /// terminal. The CLI uses it too (InternalsVisibleTo), for the paths and names it prints.
    /// </summary>
    internal static string Printable(string s)
    {
        if (!s.Any(char.IsControl)) return s;
        var text = new StringBuilder(s.Length + 16);
        foreach (char c in s)
        {
            switch (c)
            {
                case '\0': text.Append("\\0"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                default:
                    if (char.IsControl(c)) text.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                    else text.Append(c);
                    break;
            }
        }
        return text.ToString();
    }
}
