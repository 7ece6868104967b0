using System.CommandLine;
using HubClient.Cli.Output;

namespace HubClient.Cli.Commands;

/// <summary>
/// <c>hub download REPO [FILES...]</c>, as <c>hf download</c>: one file, several files, or the whole repository filtered by
/// <c>--include</c>/<c>--exclude</c>; prints the final path (the file for one file, the folder otherwise).
/// </summary>
/// <remarks>
/// One file uses the single-file download; none or several use the snapshot download, so that every file comes from the
/// same commit (several files are its allow patterns, and <c>--include</c>/<c>--exclude</c> are then ignored with a warning,
/// as <c>hf download</c> does).
/// </remarks>
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
        var revision = new Option<string?>("--revision") { Description = "Branch, tag or commit (default: main)", HelpName = "revision" };
        var include = new Option<string[]>("--include") { Description = "Glob of files to download, e.g. \"*.json\" (repeatable)", HelpName = "pattern", AllowMultipleArgumentsPerToken = false };
        var exclude = new Option<string[]>("--exclude") { Description = "Glob of files to skip, e.g. \"*.onnx\" (repeatable)", HelpName = "pattern", AllowMultipleArgumentsPerToken = false };
        var localDir = new Option<string?>("--local-dir") { Description = "Place files in this folder instead of the cache", HelpName = "folder" };
        var force = new Option<bool>("--force", "--force-download") { Description = "Download again even if cached" };
        var maxWorkers = new Option<int>("--max-workers")
        {
            Description = "Files downloaded at once",
            HelpName = "count",
            DefaultValueFactory = _ => SnapshotDownloadOptions.DefaultMaxConcurrency,
        };
        maxWorkers.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1) r.AddError("--max-workers must be at least 1.");
        });
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print only the final path" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print what would be downloaded (files, sizes, cached or not) without downloading" };
        var json = new Option<bool>("--json") { Description = "With --dry-run: print the plan as JSON" };

        var command = new Command("download", "Download files or a whole repository into the cache (or --local-dir) and print the path.")
        {
            repo, files, GlobalOptions.RepoType, revision, include, exclude, localDir, GlobalOptions.CacheDir, force, maxWorkers, quiet, dryRun, json,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            string repoId = result.GetValue(repo)!;
            string[] paths = result.GetValue(files) ?? [];
            string[] includes = result.GetValue(include) ?? [];
            string[] excludes = result.GetValue(exclude) ?? [];
            bool isQuiet = result.GetValue(quiet);
            if (paths.Length > 0 && !isQuiet)
            {
                if (includes.Length > 0) await context.Error.WriteLineAsync("warning: ignoring --include since files were given").ConfigureAwait(false);
                if (excludes.Length > 0) await context.Error.WriteLineAsync("warning: ignoring --exclude since files were given").ConfigureAwait(false);
            }

            using var api = new HubApi(GlobalOptions.CreateOptions(result));
            var display = new TransferDisplay(context, isQuiet);
            RepoType repoType = GlobalOptions.ParseRepoType(result);
            string? rev = result.GetValue(revision);
            if (result.GetValue(dryRun))
            {
                SnapshotDownloadPlan plan = await api.PlanSnapshotDownloadAsync(repoId, new SnapshotDownloadOptions
                {
                    RepoType = repoType,
                    Revision = rev,
                    AllowPatterns = paths.Length > 0 ? paths : NullIfEmpty(includes),
                    IgnorePatterns = paths.Length > 0 ? null : NullIfEmpty(excludes),
                    ForceDownload = result.GetValue(force),
                    LocalDirectory = result.GetValue(localDir),
                }, cancellationToken).ConfigureAwait(false);
                await DownloadPlanOutput.WriteAsync(context, plan, result.GetValue(json)).ConfigureAwait(false);
                return ExitCodes.Ok;
            }
            string final;
            if (paths.Length == 1)
            {
                final = await display.RunFilesAsync(repoId, progress => api.DownloadFileAsync(repoId, paths[0], new DownloadFileOptions
                {
                    RepoType = repoType,
                    Revision = rev,
                    ForceDownload = result.GetValue(force),
                    LocalDirectory = result.GetValue(localDir),
                    Progress = progress,
                }, cancellationToken)).ConfigureAwait(false);
            }
            else
            {
                var options = new SnapshotDownloadOptions
                {
                    RepoType = repoType,
                    Revision = rev,
                    AllowPatterns = paths.Length > 0 ? paths : NullIfEmpty(includes),
                    IgnorePatterns = paths.Length > 0 ? null : NullIfEmpty(excludes),
                    MaxConcurrency = result.GetValue(maxWorkers),
                    ForceDownload = result.GetValue(force),
                    LocalDirectory = result.GetValue(localDir),
                };
                final = await display.RunSnapshotAsync(repoId, (progress, fileProgress) =>
                {
                    options.Progress = progress;
                    options.FileProgress = fileProgress;
                    return api.DownloadSnapshotAsync(repoId, options, cancellationToken);
                }).ConfigureAwait(false);
                ThrowIfNamedFilesMissing(final, paths, repoId, rev);
            }
            await context.Output.WriteLineAsync(final).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string[]? NullIfEmpty(string[] patterns) => patterns.Length == 0 ? null : patterns;

    /// <summary>
    /// Files named exactly (no wildcard) must have arrived: as allow patterns, a name the repository lacks would otherwise
    /// select nothing without a word.
    /// </summary>
    private static void ThrowIfNamedFilesMissing(string folder, string[] paths, string repoId, string? revision)
    {
        string[] missing = paths
            .Where(p => p.IndexOfAny(['*', '?', '[']) < 0 && !p.EndsWith('/'))
            .Where(p => !File.Exists(Path.Combine([folder, .. p.Split('/')])))
            .ToArray();
        if (missing.Length > 0)
        {
            throw new CliException($"{repoId}@{revision ?? "main"} has no file {string.Join(", ", missing.Select(m => $"'{m}'"))} (the other files are in {folder}).");
        }
    }
}
