using System.Text;

namespace HubClient.Tests.Cli;

/// <summary>
/// What a terminal shows after receiving a transcript: characters overwrite the cells under the cursor, lines wrap at the
/// width, and the cursor moves as a live display moves it (carriage return, line feed as the tty's CR LF, cursor up and
/// down, erase in line). Other escape sequences (colours, cursor visibility) change nothing on the screen.
/// </summary>
public static class TerminalScreen
{
    public static string[] Lines(string transcript, int width)
    {
        var rows = new List<StringBuilder> { new() };
        int row = 0, col = 0;
        for (int i = 0; i < transcript.Length; i++)
        {
            char c = transcript[i];
            if (c == '\x1b')
            {
                i = Escape(transcript, i, rows, ref row, ref col);
                continue;
            }
            switch (c)
            {
                case '\r':
                    col = 0;
                    break;
                case '\n':
                    col = 0;
                    row++;
                    break;
                default:
                    if (col == width)
                    {
                        col = 0;
                        row++;
                    }
                    while (rows.Count <= row) rows.Add(new StringBuilder());
                    StringBuilder line = rows[row];
                    if (line.Length < col) line.Append(' ', col - line.Length);
                    if (col < line.Length) line[col] = c;
                    else line.Append(c);
                    col++;
                    break;
            }
            while (rows.Count <= row) rows.Add(new StringBuilder());
        }
        return [.. rows.Select(r => r.ToString().TrimEnd())];
    }

    /// <summary>Applies the escape sequence at <paramref name="start"/>; returns the index of its last character.</summary>
    private static int Escape(string text, int start, List<StringBuilder> rows, ref int row, ref int col)
    {
        if (start + 1 >= text.Length) return start;
        if (text[start + 1] != '[') return start + 1; // ESC = and the like: two characters.
        int end = start + 2;
        while (end < text.Length && !(text[end] >= '@' && text[end] <= '~')) end++;
        if (end >= text.Length) return text.Length - 1;
        string parameters = text[(start + 2)..end];
        int n = int.TryParse(parameters, out int value) ? value : 1;
        switch (text[end])
        {
            case 'A':
                row = Math.Max(0, row - n);
                break;
            case 'B':
                row += n;
                break;
            case 'K':
                while (rows.Count <= row) rows.Add(new StringBuilder());
                StringBuilder line = rows[row];
                if (parameters is "2") line.Clear();
                else if (parameters is "" or "0") line.Length = Math.Min(line.Length, col);
                break;
        }
        return end;
    }
}
