using System.CommandLine.Parsing;
using System.Globalization;

namespace HubClient.Cli.Commands;

/// <summary>
/// Parses a whole-number option with a lower bound as a usage error (exit 2, one line) for any bad value — not a number, too
/// large for an int, below the bound. A validator cannot do this: reading the value of a token that failed to convert
/// throws inside the parser, outside the command's error handling.
/// </summary>
internal static class CountParser
{
    public static Func<ArgumentResult, int> AtLeast(string option, int minimum, string rule) => result =>
    {
        if (result.Tokens.Count == 0)
        {
            result.AddError($"{option} needs a value.");
            return minimum;
        }
        string text = result.Tokens[^1].Value;
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value))
        {
            result.AddError($"{option} must be a whole number, not '{text}'.");
            return minimum;
        }
        if (value < minimum) result.AddError($"{option} {rule}.");
        return value;
    };
}
