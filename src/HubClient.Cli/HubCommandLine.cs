using System.CommandLine;
using HubClient.Cli.Commands;
using HubClient.Cli.Commands.Cache;

namespace HubClient.Cli;

/// <summary>Builds the <c>hub</c> command tree and runs it: exit 0 ok, 1 error (one clear line), 2 usage.</summary>
internal static class HubCommandLine
{
    public static RootCommand Build(CliContext context)
    {
        var root = new RootCommand("hub — download, browse and cache models, datasets and spaces from a Hugging Face-style hub.");
        root.Options.Add(GlobalOptions.Endpoint);
        root.Options.Add(GlobalOptions.Token);
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
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, Func<string, bool>? confirm = null)
    {
        var context = new CliContext(output, error, confirm);
        RootCommand root = Build(context);
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (System.CommandLine.Parsing.ParseError e in parse.Errors) await error.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
            await error.WriteLineAsync("Run 'hub --help' for usage.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        try
        {
            // System.CommandLine cancels the action's token on Ctrl+C.
            var invocation = new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = output, Error = error };
            return await parse.InvokeAsync(invocation).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HubException or CliException or ArgumentException or IOException or HttpRequestException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync(parse.GetValue(GlobalOptions.Verbose) ? e.ToString() : "error: " + e.Message).ConfigureAwait(false);
            return ExitCodes.Error;
        }
        catch (OperationCanceledException)
        {
            await error.WriteLineAsync("cancelled").ConfigureAwait(false);
            return ExitCodes.Error;
        }
    }
}
