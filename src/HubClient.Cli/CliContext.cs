using System.CommandLine;
using HubClient.Cli.Output;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace HubClient.Cli;

/// <summary>
/// Where a command writes, whether a live display is possible there, and who answers confirmation questions.
/// </summary>
/// <param name="output">Results: paths, tables, JSON.</param>
/// <param name="error">Progress lines, warnings and errors.</param>
/// <param name="confirm">
/// Answers yes/no questions in place of the terminal (tests); null asks on the terminal when there is one.
/// </param>
/// <param name="terminal">
/// A terminal to draw live displays and tables on in place of the console's (tests); null uses the console's when neither
/// stream is redirected.
/// </param>
internal sealed class CliContext(TextWriter output, TextWriter error, Func<string, bool>? confirm = null, IAnsiConsole? terminal = null)
{
    /// <summary>Width given to tables when output is not a terminal: wide enough that rows never wrap.</summary>
    private const int RedirectedWidth = 4096;

    public TextWriter Output { get; } = output;

    public TextWriter Error { get; } = error;

    /// <summary>What the clients of this run logged that the user should see (retries, cache fallbacks) or that is counted.</summary>
    public HubEventLog Events { get; } = new(error);

    /// <summary>
    /// A client for an online command: <c>HF_*</c> settings overridden by the options, the endpoint checked first (a usage
    /// error names the option or variable), and the library's log going to <see cref="Events"/>.
    /// </summary>
    public HubApi CreateApi(ParseResult result)
    {
        HubApiOptions options = GlobalOptions.CreateOptions(result);
        GlobalOptions.ValidateEndpoint(options.Endpoint, result.GetValue(GlobalOptions.Endpoint) is null ? "HF_ENDPOINT" : "--endpoint");
        Events.Verbose = result.GetValue(GlobalOptions.Verbose);
        options.LoggerFactory = LoggerFactory.Create(builder => builder.SetMinimumLevel(Events.Verbose ? LogLevel.Debug : LogLevel.Information).AddProvider(Events));
        try
        {
            return new HubApi(options);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(ErrorMessages.WithoutParameterName(e.Message), e);
        }
    }

    /// <summary>Live progress bars only on a real terminal (or one given); redirected output gets plain lines.</summary>
    public bool IsInteractive => terminal is not null || (ReferenceEquals(Output, Console.Out) && !Console.IsOutputRedirected && !Console.IsErrorRedirected);

    /// <summary>The terminal, for live displays; only meaningful when <see cref="IsInteractive"/>.</summary>
    public IAnsiConsole Terminal => terminal ?? AnsiConsole.Console;

    /// <summary>
    /// Writes a Spectre widget (a table) to <see cref="Output"/>: styled on a terminal; as plain text when redirected, with
    /// no colours, no wrapping and no trailing spaces, so that each row stays one line.
    /// </summary>
    public async Task RenderAsync(IRenderable widget)
    {
        if (IsInteractive)
        {
            Terminal.Write(widget);
            return;
        }
        using var text = new StringWriter();
        IAnsiConsole plain = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(text),
        });
        plain.Profile.Width = RedirectedWidth;
        plain.Write(widget);
        foreach (string line in text.ToString().Split('\n'))
        {
            string trimmed = line.TrimEnd();
            if (trimmed.Length > 0) await Output.WriteLineAsync(trimmed).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Asks a yes/no question (default no). Null when nobody can answer: input or output is not a terminal.
    /// </summary>
    public async Task<bool?> ConfirmAsync(string question, CancellationToken cancellationToken)
    {
        if (confirm is not null) return confirm(question);
        if (!IsInteractive || Console.IsInputRedirected) return null;
        // Asynchronous so that Ctrl+C (the command's token) stops a command waiting for an answer.
        return await new ConfirmationPrompt(question) { DefaultValue = false }.ShowAsync(Terminal, cancellationToken).ConfigureAwait(false);
    }
}
