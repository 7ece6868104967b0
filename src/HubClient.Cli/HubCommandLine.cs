using System.CommandLine;
using System.Runtime.InteropServices;
using HubClient.Cli.Commands;
using HubClient.Cli.Commands.Cache;
using Spectre.Console;

namespace HubClient.Cli;

/// <summary>
/// Builds the <c>hub</c> command tree and runs it: exit 0 ok, 1 error, 2 usage (bad options, ids, paths, revisions,
/// patterns, endpoint), 130 interrupted (Ctrl+C), 143 terminated (SIGTERM); every error is one clear line on the error stream, with details only under <c>--verbose</c>.
/// </summary>
internal static class HubCommandLine
{
    public static RootCommand Build(CliContext context)
    {
        var root = new RootCommand("hub — download, browse and cache models, datasets and spaces from a Hugging Face-style hub.");
        root.Options.Add(GlobalOptions.Verbose);
        root.Subcommands.Add(DownloadCommand.Create(context));
        root.Subcommands.Add(LsCommand.Create(context));
        root.Subcommands.Add(InfoCommand.Create(context));
        root.Subcommands.Add(ModelsCommand.Create(context));
        root.Subcommands.Add(DatasetsCommand.Create(context));
        root.Subcommands.Add(SpacesCommand.Create(context));
        root.Subcommands.Add(CacheCommand.Create(context));
        root.Subcommands.Add(InspectCommand.Create(context));
        return root;
    }

    /// <summary>Parses and runs one command line.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="output">Results (paths, tables, JSON).</param>
    /// <param name="error">Progress lines, warnings and errors.</param>
    /// <param name="confirm">Answers confirmation questions instead of the terminal (for tests).</param>
    /// <param name="terminal">Draws live displays in place of the console's terminal (for tests).</param>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, Func<string, bool>? confirm = null, IAnsiConsole? terminal = null)
    {
        var context = new CliContext(output, error, confirm, terminal);
        RootCommand root = Build(context);
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // One line: an unrecognized word is the cause of the rest ('hub frobnicate' adds "Required command was not provided").
            System.CommandLine.Parsing.ParseError cause = parse.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parse.Errors[0];
            await error.WriteLineAsync("error: " + RepoId.Printable(cause.Message)).ConfigureAwait(false);
            await error.WriteLineAsync($"Run '{HelpCommand(parse)} --help' for usage.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        bool verbose = parse.GetValue(GlobalOptions.Verbose);
        // Ctrl+C or SIGTERM cancels the command's token and waits for it to stop, so that it can say so (System.CommandLine's
        // own handler exits 130 without a word); a second one ends the process at once.
        using var stop = new CancellationTokenSource();
        int stoppedBy = ExitCodes.Interrupted;
        using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => Stop(c, stop));
        using PosixSignalRegistration terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
        {
            if (!stop.IsCancellationRequested) stoppedBy = ExitCodes.Terminated;
            Stop(c, stop);
        });
        try
        {
            var invocation = new InvocationConfiguration
            {
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null,
                Output = output,
                Error = error,
            };
            return await parse.InvokeAsync(invocation, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            await error.WriteLineAsync("cancelled: a download keeps what it wrote, and the same command continues it").ConfigureAwait(false);
            return stoppedBy;
        }
        catch (Exception e)
        {
            // Every failure is one line; the stack trace (and the request's URL and id) only with --verbose.
            (string line, int code) = ErrorMessages.Describe(e, parse);
            // A message can quote a folder name or a typed argument: escaped, it stays one line and sends nothing to the terminal.
            await error.WriteLineAsync("error: " + RepoId.Printable(line)).ConfigureAwait(false);
            if (verbose) await error.WriteLineAsync(ErrorMessages.Details(e)).ConfigureAwait(false);
            else if (code == ExitCodes.Usage) await error.WriteLineAsync($"Run '{HelpCommand(parse)} --help' for usage.").ConfigureAwait(false);
            return code;
        }
    }

    private static void Stop(PosixSignalContext signal, CancellationTokenSource stop)
    {
        if (stop.IsCancellationRequested) return; // The second time: the default, end the process.
        signal.Cancel = true;
        stop.Cancel();
    }

    /// <summary>The command whose help fits the error: <c>hub download</c>, <c>hub cache delete</c>, or <c>hub</c>.</summary>
    private static string HelpCommand(ParseResult parse)
    {
        var names = new List<string>();
        for (System.CommandLine.Parsing.SymbolResult? r = parse.CommandResult; r is not null; r = r.Parent)
        {
            if (r is System.CommandLine.Parsing.CommandResult command) names.Insert(0, command.Command is RootCommand ? "hub" : command.Command.Name);
        }
        return string.Join(' ', names);
    }
}
