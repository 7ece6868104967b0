using System.Globalization;

namespace HubClient.Testing;

/// <summary>A single <c>Range: bytes=</c> request, resolved against a length.</summary>
internal readonly record struct ByteRange(long Start, long End, bool IsPartial, bool Unsatisfiable)
{
    public long Length => End - Start + 1;

    public static ByteRange Parse(string? header, long length)
    {
        var whole = new ByteRange(0, length - 1, false, false);
        if (string.IsNullOrEmpty(header) || !header.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase)) return whole;
        string spec = header[6..].Split(',')[0].Trim();
        int dash = spec.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0) return whole;
        string first = spec[..dash];
        string last = spec[(dash + 1)..];
        if (first.Length == 0)
        {
            if (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out long suffix)) return whole;
            return suffix == 0 ? new ByteRange(0, -1, true, true) : new ByteRange(Math.Max(0, length - suffix), length - 1, true, false);
        }
        if (!long.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out long start)) return whole;
        long end = last.Length == 0 ? length - 1
            : long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out long e) ? Math.Min(e, length - 1) : length - 1;
        if (start >= length || end < start) return new ByteRange(start, end, true, true);
        return new ByteRange(start, end, true, false);
    }
}
