using HubClient.Cli;
using Spectre.Console;

namespace HubClient.Tests.Cli;

/// <summary>What one in-process run of <c>hub</c> printed and returned.</summary>
public sealed record CliResult(int Code, string Out, string Err)
{
    /// <summary>The non-empty lines of standard output.</summary>
    public string[] OutLines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>Runs <c>hub</c> in process against a test's fake hub, capturing both streams (so output counts as redirected).</summary>
public static class CliRunner
{
    public static async Task<CliResult> RunAsync(HubFixture fixture, string[] args, Func<string, bool>? confirm = null)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        // The offline cache commands take no --endpoint.
        string[] full = args is ["cache", ..] ? args : [.. args, "--endpoint", fixture.Hub.Endpoint];
        int code = await HubCommandLine.RunAsync(full, output, error, confirm);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    /// <summary>
    /// Runs <c>hub</c> in process as on an interactive terminal: live displays and tables are drawn, with ANSI cursor
    /// movements, on a terminal <paramref name="width"/> columns wide; returns what the two streams received and the lines
    /// the terminal shows at the end.
    /// </summary>
    public static async Task<(CliResult Result, string[] Screen)> RunOnTerminalAsync(HubFixture fixture, string[] args, int width = 80)
    {
        var screen = new StringWriter();
        IAnsiConsole terminal = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.Standard,
            Interactive = InteractionSupport.Yes,
            Out = new AnsiConsoleOutput(screen),
        });
        terminal.Profile.Width = width;
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await HubCommandLine.RunAsync([.. args, "--endpoint", fixture.Hub.Endpoint], output, error, terminal: terminal);
        return (new CliResult(code, output.ToString(), error.ToString()), TerminalScreen.Lines(screen.ToString(), width));
    }

    /// <summary>An error stream without a stack trace or .NET's parameter names (what every failure without --verbose must be).</summary>
    public static void AssertNoStackTrace(string err)
    {
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception:", err, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter '", err, StringComparison.Ordinal);
    }
}
