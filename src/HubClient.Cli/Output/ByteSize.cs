using System.Globalization;

namespace HubClient.Cli.Output;

/// <summary>Human-readable sizes, as <c>hf cache scan</c> prints them (1000-based).</summary>
internal static class ByteSize
{
    public static string Format(long bytes)
    {
        string[] units = ["B", "K", "M", "G", "T"];
        double value = bytes;
        int unit = 0;
        while (value >= 1000 && unit < units.Length - 1)
        {
            value /= 1000;
            unit++;
        }
        return unit == 0 ? string.Create(CultureInfo.InvariantCulture, $"{bytes}B") : string.Create(CultureInfo.InvariantCulture, $"{value:0.0}{units[unit]}");
    }
}
