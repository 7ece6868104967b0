using System.Globalization;

namespace HubClient.Cli.Output;

/// <summary>A count with its noun in the right number: "1 file", "2 files", "0 files".</summary>
internal static class Plural
{
    /// <summary>
    /// The count and its noun: <c>Of(1, "file")</c> is "1 file"; <paramref name="plural"/> when the plural is not
    /// <paramref name="singular"/> + "s".
    /// </summary>
    public static string Of(long count, string singular, string? plural = null) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {Noun(count, singular, plural)}");

    /// <summary>The noun alone, for a count written apart ("3/5 files", "1,024 parameters").</summary>
    public static string Noun(long count, string singular, string? plural = null) => count == 1 ? singular : plural ?? singular + "s";
}
