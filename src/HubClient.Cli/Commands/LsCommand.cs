using System.CommandLine;
using HubClient.Cli.Output;

namespace HubClient.Cli.Commands;

/// <summary><c>hub ls REPO [PATH]</c>: the files and folders of a repository, page by page as they arrive.</summary>
internal static class LsCommand
{
    public static Command Create(CliContext context)
    {
        var repo = new Argument<string>("repo") { Description = "Repository id" };
        var path = new Argument<string?>("path") { Description = "Folder to list (default: the root)", Arity = ArgumentArity.ZeroOrOne };
        var recursive = new Option<bool>("--recursive", "-R") { Description = "List every file below the folder" };
        var revision = new Option<string?>("--revision") { Description = "Branch, tag or commit (default: main)" };
        var json = new Option<bool>("--json") { Description = "Print a JSON array; each entry has \"type\": \"file\" or \"directory\"" };
        var command = new Command("ls", "List the files of a repository.") { GlobalOptions.Endpoint, GlobalOptions.Token, repo, path, recursive, revision, GlobalOptions.RepoType, json };
        command.SetAction(async (result, cancellationToken) =>
        {
            using HubApi api = context.CreateApi(result);
            HubPageable<RepoTreeEntry> entries = api.ListRepoTreeAsync(result.GetValue(repo)!, FolderOf(result.GetValue(path)), result.GetValue(recursive),
                revision: result.GetValue(revision), repoType: GlobalOptions.ParseRepoType(result), cancellationToken: cancellationToken);
            if (result.GetValue(json))
            {
                await JsonOutput.WriteArrayAsync(context.Output, entries, JsonOutput.TreeEntry, cancellationToken).ConfigureAwait(false);
                return ExitCodes.Ok;
            }
            await foreach (RepoTreeEntry entry in entries.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                string line = entry switch
                {
                    RepoFile file => $"{ByteSize.Format(file.Size),10}  {file.Path}{(file.XetHash is not null ? "  (xet)" : file.Lfs is not null ? "  (lfs)" : "")}",
                    _ => $"{"-",10}  {entry.Path}/",
                };
                await context.Output.WriteLineAsync(line).ConfigureAwait(false);
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>A folder as <c>hub download</c> names one (<c>onnx/</c>, as <c>ls</c> prints it) is the same folder to list.</summary>
    private static string? FolderOf(string? path) => path is { Length: > 1 } && path.EndsWith('/') && !path.EndsWith("//", StringComparison.Ordinal) ? path[..^1] : path;
}
