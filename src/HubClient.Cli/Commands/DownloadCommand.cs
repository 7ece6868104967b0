using System.CommandLine;
using System.CommandLine.Parsing;
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
        var files = new Argument<string[]>("files") { Description = "Files to download, or one folder ending in '/' (default: the whole repository)", Arity = ArgumentArity.ZeroOrMore };
        var revision = new Option<string?>("--revision") { Description = "Branch, tag or commit (default: main)", HelpName = "revision" };
        var include = new Option<string[]>("--include") { Description = "Glob of files to download, e.g. \"*.json\" (one per --include; repeat it)", HelpName = "pattern", AllowMultipleArgumentsPerToken = false };
        var exclude = new Option<string[]>("--exclude") { Description = "Glob of files to skip, e.g. \"*.onnx\" (one per --exclude; repeat it)", HelpName = "pattern", AllowMultipleArgumentsPerToken = false };
        var localDir = new Option<string?>("--local-dir") { Description = "Place files in this folder instead of the cache", HelpName = "folder" };
        var force = new Option<bool>("--force", "--force-download") { Description = "Download again even if cached" };
        var maxWorkers = new Option<int>("--max-workers")
        {
            Description = "Files downloaded at once",
            HelpName = "count",
            DefaultValueFactory = _ => SnapshotDownloadOptions.DefaultMaxConcurrency,
        };
        maxWorkers.CustomParser = CountParser.AtLeast("--max-workers", 1, "must be at least 1");
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print only the final path" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print what would be downloaded (files, sizes, cached or not) without downloading" };
        var json = new Option<bool>("--json") { Description = "With --dry-run: print the plan as JSON" };

        var command = new Command("download", "Download files, a folder (a path ending in '/') or a whole repository into the cache (or --local-dir) and print the path.")
        {
            GlobalOptions.Endpoint, GlobalOptions.Token, repo, files, GlobalOptions.RepoType, revision, include, exclude, localDir, GlobalOptions.CacheDir, force, maxWorkers, quiet, dryRun, json,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            string repoId = result.GetValue(repo)!;
            string[] paths = result.GetValue(files) ?? [];
            string[] includes = result.GetValue(include) ?? [];
            string[] excludes = result.GetValue(exclude) ?? [];
            bool isQuiet = result.GetValue(quiet);
            ThrowIfOptionLike(result, files);
            ThrowIfPatternsMisplaced(result, paths, includes, excludes);
            if (result.GetValue(json) && !result.GetValue(dryRun))
            {
                // A script asking for JSON would otherwise parse a path: say so rather than print something else.
                throw new UsageException("--json prints a download plan: use it with --dry-run (a download prints the path of what it downloaded).");
            }
            string? folder = paths is [{ } only] && only.EndsWith('/') ? only : null;
            if (folder is not null && (includes.Length > 0 || excludes.Length > 0))
            {
                throw new UsageException($"'{folder}' downloads that folder; --include/--exclude cannot be combined with it (use --include \"{folder}*.json\" without the folder instead).");
            }
            if (paths.Length > 0 && folder is null && !isQuiet)
            {
                if (includes.Length > 0) await context.Error.WriteLineAsync("warning: ignoring --include since files were given").ConfigureAwait(false);
                if (excludes.Length > 0) await context.Error.WriteLineAsync("warning: ignoring --exclude since files were given").ConfigureAwait(false);
            }

            using HubApi api = context.CreateApi(result);
            var display = new TransferDisplay(context, isQuiet);
            RepoType repoType = GlobalOptions.ParseRepoType(result);
            string? rev = result.GetValue(revision);
            string? local = result.GetValue(localDir);
            if (result.GetValue(dryRun))
            {
                SnapshotDownloadPlan plan = await api.PlanSnapshotDownloadAsync(repoId, new SnapshotDownloadOptions
                {
                    RepoType = repoType,
                    Revision = rev,
                    AllowPatterns = paths is [{ } one] && folder is null ? [Literal(one)] : paths.Length > 0 ? NamedFiles(paths) : NullIfEmpty(includes), // as the download selects
                    IgnorePatterns = paths.Length > 0 ? null : NullIfEmpty(excludes),
                    ForceDownload = result.GetValue(force),
                    LocalDirectory = local,
                }, cancellationToken).ConfigureAwait(false);
                await DownloadPlanOutput.WriteAsync(context, plan, result.GetValue(json)).ConfigureAwait(false);
                return ExitCodes.Ok;
            }
            string final;
            if (paths.Length == 1 && folder is null)
            {
                final = await display.RunFilesAsync(repoId, local is null ? paths[0] : null, progress => api.DownloadFileAsync(repoId, paths[0], new DownloadFileOptions
                {
                    RepoType = repoType,
                    Revision = rev,
                    ForceDownload = result.GetValue(force),
                    LocalDirectory = local,
                    Progress = progress,
                }, cancellationToken)).ConfigureAwait(false);
            }
            else
            {
                var options = new SnapshotDownloadOptions
                {
                    RepoType = repoType,
                    Revision = rev,
                    AllowPatterns = paths.Length > 0 ? NamedFiles(paths) : NullIfEmpty(includes),
                    IgnorePatterns = paths.Length > 0 ? null : NullIfEmpty(excludes),
                    MaxConcurrency = result.GetValue(maxWorkers),
                    ForceDownload = result.GetValue(force),
                    LocalDirectory = local,
                };
                final = await display.RunSnapshotAsync(repoId, (progress, fileProgress) =>
                {
                    options.Progress = progress;
                    options.FileProgress = fileProgress;
                    return api.DownloadSnapshotAsync(repoId, options, cancellationToken);
                }).ConfigureAwait(false);
                SnapshotProgress? selected = display.Snapshot?.Last;
                if (selected is null)
                {
                    await context.Error.WriteLineAsync(api.Options.Offline
                        ? "note: offline mode (HF_HUB_OFFLINE): the files come from the cache"
                        : "note: the hub could not be reached; the files come from the cache").ConfigureAwait(false);
                }
                if (folder is not null)
                {
                    if (selected is { TotalFiles: 0 }) throw new CliException($"{repoId}@{rev ?? "main"} has no folder '{folder}' (or it is empty).");
                    final = Path.Combine([final, .. folder.TrimEnd('/').Split('/')]);
                }
                else
                {
                    ThrowIfNamedFilesMissing(final, paths, repoId, rev);
                    await WarnUnmatchedPatternsAsync(context, final, paths.Length > 0 ? [] : includes, selected, repoId, rev).ConfigureAwait(false);
                }
            }
            await context.Output.WriteLineAsync(final).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>
    /// A file name that starts with '-' is a mistyped option (<c>--includ</c>) unless it comes after <c>--</c>, where
    /// POSIX puts arguments that look like options (<c>hub download REPO -- -notes.txt</c>).
    /// </summary>
    private static void ThrowIfOptionLike(ParseResult result, Argument<string[]> files)
    {
        IReadOnlyList<Token> fileTokens = result.GetResult(files)?.Tokens ?? [];
        foreach (Token token in result.Tokens)
        {
            if (token.Type == TokenType.DoubleDash) return;
            if (token.Value.StartsWith('-') && fileTokens.Any(t => ReferenceEquals(t, token)))
            {
                throw new UsageException($"Unrecognized option '{token.Value}' (a file whose name starts with '-' goes after '--').");
            }
        }
    }

    /// <summary>
    /// Each <c>--include</c>/<c>--exclude</c> takes one pattern. A bare argument right after one's pattern
    /// (<c>--include "*.json" "*.md"</c>), or a wildcard among the file names while patterns are given, cannot be what was
    /// meant: it would silently become a file name, so it is a usage error before any request.
    /// </summary>
    private static void ThrowIfPatternsMisplaced(ParseResult result, string[] paths, string[] includes, string[] excludes)
    {
        IReadOnlyList<Token> tokens = result.Tokens;
        for (int i = 0; i + 2 < tokens.Count; i++)
        {
            if (tokens[i].Type == TokenType.Option && tokens[i].Value is "--include" or "--exclude"
                && tokens[i + 2].Type == TokenType.Argument && paths.Contains(tokens[i + 2].Value))
            {
                throw new UsageException(
                    $"{tokens[i].Value} takes one pattern; '{tokens[i + 2].Value}' after '{tokens[i + 1].Value}' would be read as a file name. Repeat the option: {tokens[i].Value} \"{tokens[i + 1].Value}\" {tokens[i].Value} \"{tokens[i + 2].Value}\".");
            }
        }
        if ((includes.Length > 0 || excludes.Length > 0) && paths.FirstOrDefault(IsPattern) is { } pattern)
        {
            throw new UsageException($"'{pattern}' is a pattern given as a file name beside --include/--exclude: pass it as --include \"{pattern}\".");
        }
    }

    private static bool IsPattern(string path) => path.IndexOfAny(['*', '?', '[']) >= 0;

    /// <summary>
    /// The selection for files named on the command line: each as a pattern (as huggingface-cli takes them) and, when it
    /// looks like one, also as the literal name (<c>weights[0].json</c> is a file name as often as a pattern).
    /// </summary>
    private static string[] NamedFiles(string[] paths) =>
        [.. paths.SelectMany(p => IsPattern(p) ? [p, Literal(p)] : new[] { p })];

    /// <summary>A pattern matching exactly <paramref name="name"/>: fnmatch has no escape character, but a one-member set is one.</summary>
    private static string Literal(string name) =>
        string.Concat(name.Select(c => c is '*' or '?' or '[' ? $"[{c}]" : c.ToString()));

    /// <summary>
    /// An <c>--include</c> that selects nothing is a warning; when nothing at all was selected the command fails (exit 1), as
    /// an empty folder is not what anyone asked for. Files of the folder stand for the repository's files at that commit.
    /// </summary>
    private static async Task WarnUnmatchedPatternsAsync(CliContext context, string folder, string[] includes, SnapshotProgress? selected, string repoId, string? revision)
    {
        if (includes.Length == 0) return;
        if (selected is { TotalFiles: 0 })
        {
            throw new CliException($"no file of {repoId}@{revision ?? "main"} matches {string.Join(" ", includes.Select(p => $"--include \"{p}\""))}; 'hub ls {repoId} -R' lists the files.");
        }
        string[] present = Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/'))
                .Where(f => !f.StartsWith(".cache/", StringComparison.Ordinal))
                .ToArray()
            : [];
        foreach (string pattern in includes)
        {
            string glob = pattern.EndsWith('/') ? pattern + "*" : pattern;
            if (!glob.Contains('[', StringComparison.Ordinal) && !present.Any(f => System.IO.Enumeration.FileSystemName.MatchesSimpleExpression(glob, f, ignoreCase: false)))
            {
                await context.Error.WriteLineAsync($"warning: --include \"{pattern}\" matches no file of {repoId}").ConfigureAwait(false);
            }
        }
    }

    private static string[]? NullIfEmpty(string[] patterns) => patterns.Length == 0 ? null : patterns;

    /// <summary>
    /// Files named exactly (no wildcard) must have arrived: as allow patterns, a name the repository lacks would otherwise
    /// select nothing without a word.
    /// </summary>
    private static void ThrowIfNamedFilesMissing(string folder, string[] paths, string repoId, string? revision)
    {
        string[] missing = paths
            .Where(p => !IsPattern(p) && !p.EndsWith('/'))
            .Where(p => !File.Exists(Path.Combine([folder, .. p.Split('/')])))
            .ToArray();
        if (missing.Length > 0)
        {
            throw new CliException($"{repoId}@{revision ?? "main"} has no file {string.Join(", ", missing.Select(m => $"'{m}'"))} (the other files are in {folder}).");
        }
    }
}
