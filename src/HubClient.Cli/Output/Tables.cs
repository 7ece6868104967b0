using System.Globalization;
using Spectre.Console;

namespace HubClient.Cli.Output;

/// <summary>Tables as the listing commands print them: simple borders on a terminal, bare columns when redirected.</summary>
internal static class Tables
{
    /// <summary>A table with these headers; a header ending in <c>&gt;</c> is right-aligned (numbers, sizes).</summary>
    public static Table Create(CliContext context, params string[] headers)
    {
        var table = new Table().Border(context.IsInteractive ? TableBorder.Simple : TableBorder.None);
        foreach (string header in headers)
        {
            bool right = header.EndsWith('>');
            var column = new TableColumn(new Text(right ? header[..^1] : header, new Style(decoration: Decoration.Bold)));
            if (context.IsInteractive) column.Padding(0, 0, 1, 0); // Two spaces between columns: long paths wrap later.
            if (header.Contains("PATH", StringComparison.Ordinal)) column.NoWrap(); // A path split inside its commit hash cannot be copied.
            table.AddColumn(right ? column.RightAligned() : column);
        }
        return table;
    }

    /// <summary>Adds a row of plain text (never read as markup; control characters escaped, so a cell stays on its line).</summary>
    public static void AddTextRow(this Table table, params string?[] cells) => table.AddRow(cells.Select(c => new Text(RepoId.Printable(c ?? ""))));

    /// <summary>A count with thousands separators, or empty when the hub did not report it.</summary>
    public static string Count(long? value) => value?.ToString("N0", CultureInfo.InvariantCulture) ?? "";

    /// <summary>A date as <c>2024-01-31</c>, or empty.</summary>
    public static string Date(DateTimeOffset? value) => value?.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";
}
