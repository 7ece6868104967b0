using System.Globalization;

namespace HubClient.Cli.Output;

/// <summary>
/// The one way <c>hub</c> (and the QuickStart sample) print byte counts, in every place and whether or not output is a
/// terminal: powers of 1000 with one decimal and a space, <c>512 B</c>, <c>4.3 KB</c>, <c>121.4 MB</c>, <c>1.2 GB</c> — the
/// convention of Python's <c>hf</c> CLI (<c>format_size</c> in huggingface_hub's <c>cli/_file_listing.py</c>).
/// </summary>
internal static class ByteSize
{
    private static readonly string[] Units = ["B", "KB", "MB", "GB", "TB", "PB"];

    public static string Format(long bytes)
    {
        double value = bytes;
        int unit = 0;
        while (Math.Abs(value) >= 1000 && unit < Units.Length - 1)
        {
            value /= 1000;
            unit++;
        }
        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes} B")
            : string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {Units[unit]}");
    }
}
