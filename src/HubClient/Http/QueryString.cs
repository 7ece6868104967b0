using System.Globalization;
using System.Text;

namespace HubClient;

/// <summary>Builds a URL query string, escaping every name and value, keeping repeated names (<c>filter=a&amp;filter=b</c>).</summary>
internal sealed class QueryString
{
    private readonly StringBuilder _text = new();

    public QueryString Add(string name, string? value)
    {
        if (value is null) return this;
        _text.Append(_text.Length == 0 ? '?' : '&').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        return this;
    }

    public QueryString Add(string name, int? value) => Add(name, value?.ToString(CultureInfo.InvariantCulture));

    /// <summary>Adds <c>name=true</c> when <paramref name="value"/> is set; nothing otherwise.</summary>
    public QueryString AddFlag(string name, bool value) => value ? Add(name, "true") : this;

    public QueryString AddEach(string name, IEnumerable<string> values)
    {
        foreach (string value in values) Add(name, value);
        return this;
    }

    /// <summary>The query including its leading '?', or an empty string.</summary>
    public override string ToString() => _text.ToString();
}
