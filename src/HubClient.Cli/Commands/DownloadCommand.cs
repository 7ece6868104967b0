using System.CommandLine;
using HubClient.Cli.Output;

namespace HubClient.Cli.Commands;

/// <summary><c>hub download REPO [FILES...]</c>: files, or the whole repository as a snapshot; prints the final path.</summary>
internal static class DownloadCommand
{
    public static Command Create(CliContext context)
    {
        var repo = new Argument<string>("repo") { Description = "Repository id, e.g. openai-community/gpt2" };
        var files = new Argument<string[]>("files") { Description = "Files to download (default: the whole repository)", Arity = ArgumentArity.ZeroOrMore };
        files.Validators.Add(r =>
        {
            foreach (var token in r.Tokens.Where(t => t.Value.StartsWith('-')))
            {
                r.AddError($"Unrecognized option '{token.Value}'.");
            }
        });
        var revision = new Option<string?>("--revision") { Description = "Branch, tag or commit (default: main)" };
        var include = new Option<string[]>("--include") { Description = "Glob of files to include (repeatable)", AllowMultipleArgumentsPerToken = false };
        var exclude = new Option<string[]>("--exclude") { Description = "Glob of files to exclude (repeatable)", AllowMultipleArgumentsPerToken = false };
        var localDir = new Option<string?>("--local-dir") { Description = "Place files in this folder instead of the cache" };
        var force = new Option<bool>("--force") { Description = "Download again even if cached" };
        var maxWorkers = new Option<int>("--max-workers") { Description = "Files downloaded at once", DefaultValueFactory = _ => 8 };
        var quiet = new Option<bool>("--quiet") { Description = "Print only the final path" };

        var command = new Command("download", "Download files or a whole repository into the cache (or --local-dir) and print the path.")
        {
            repo, files, GlobalOptions.RepoType, revision, include, exclude, localDir, GlobalOptions.CacheDir, force, maxWorkers, quiet,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var api = new HubApi(GlobalOptions.CreateOptions(result));
            var display = new TransferDisplay(context, result.GetValue(quiet));
            string repoId = result.GetValue(repo)!;
            string[] paths = result.GetValue(files) ?? [];
            RepoType repoType = GlobalOptions.ParseRepoType(result);
            string? rev = result.GetValue(revision);

            string final = await display.RunAsync(repoId, async progress =>
            {
                using var gate = new SemaphoreSlim(Math.Max(1, result.GetValue(maxWorkers)));
                string[] downloaded = await Task.WhenAll(paths.Select(async path =>
                {
                    await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                    try
                    {
                        return await api.DownloadFileAsync(repoId, path, new DownloadFileOptions
                        {
                            RepoType = repoType,
                            Revision = rev,
                            ForceDownload = result.GetValue(force),
                            LocalDirectory = result.GetValue(localDir),
                            Progress = progress,
                        }, cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        gate.Release();
                    }
                })).ConfigureAwait(false);
                return downloaded.Length == 1 ? downloaded[0] : CommonFolder(downloaded, paths);
            }).ConfigureAwait(false);
            await context.Output.WriteLineAsync(final).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The folder the repository paths were placed under (snapshot folder or local dir).</summary>
    private static string CommonFolder(string[] downloaded, string[] repoPaths)
    {
        string first = downloaded[0];
        int depth = repoPaths[0].Count(c => c == '/') + 1;
        for (int i = 0; i < depth; i++) first = Path.GetDirectoryName(first)!;
        return first;
    }
}
