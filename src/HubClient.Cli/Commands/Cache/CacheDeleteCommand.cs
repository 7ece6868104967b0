using System.CommandLine;

namespace HubClient.Cli.Commands.Cache;

/// <summary>
/// <c>hub cache delete REVISION...</c>: removes cached revisions (40-hex commits, or a repository id for its whole folder)
/// with the blobs nothing else uses; shows the plan and asks first unless <c>--yes</c>.
/// </summary>
internal static class CacheDeleteCommand
{
    public static Command Create(CliContext context)
    {
        var revisions = new Argument<string[]>("revisions")
        {
            Description = "Commit hashes as 'hub cache scan --verbose' lists them (or a unique prefix of at least 7), or repository ids (every cached revision; see --repo-type)",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("delete", "Delete cached revisions and the files only they use; shows the plan and asks first (--yes to skip).")
        {
            revisions, GlobalOptions.RepoType, DeletionPlanRunner.Yes, DeletionPlanRunner.DryRun, GlobalOptions.CacheDir,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            HubCacheInfo cache = HubCache.Scan(GlobalOptions.CacheDirectory(result));
            RepoType repoType = GlobalOptions.ParseRepoType(result);
            var commits = new List<string>();
            var repos = new List<CachedRepo>();
            foreach (string target in result.GetValue(revisions)!)
            {
                if (IsCommitHash(target))
                {
                    commits.Add(target.ToLowerInvariant()); // Snapshot folders are named in lower case; hf cache rm lowers too.
                }
                else if (FindByPrefix(cache, target) is { } commit)
                {
                    commits.Add(commit);
                }
                else if (FindRepo(cache, target, repoType) is { } repo)
                {
                    repos.Add(repo);
                }
                else
                {
                    throw new CliException(
                        $"'{target}' is neither a commit hash (40 hex characters, or a unique prefix of at least {MinPrefix}) of a cached revision nor a cached {GlobalOptions.RepoTypeName(repoType)} repository; 'hub cache scan --verbose' lists both.");
                }
            }

            CacheDeletePlan plan = cache.Delete(repos, commits.Distinct(StringComparer.Ordinal));
            foreach (string missing in plan.RevisionsNotFound)
            {
                await context.Error.WriteLineAsync($"warning: revision {missing} is not in the cache").ConfigureAwait(false);
            }
            if (plan.IsEmpty && plan.RevisionsNotFound.Count > 0)
            {
                throw new CliException("None of the revisions are in the cache: nothing to delete.");
            }
            return await DeletionPlanRunner.RunAsync(context, result, plan, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>
    /// The repository a repo id names: its folder when the id matches exactly; else, ignoring case, the one folder that
    /// matches (a usage error listing them when several do, as two casings of one id can both be cached); else null.
    /// </summary>
    private static CachedRepo? FindRepo(HubCacheInfo cache, string repoId, RepoType repoType)
    {
        if (cache.FindRepo(repoId, repoType) is { } exact) return exact;
        CachedRepo[] matches = cache.Repos
            .Where(r => r.RepoType == repoType && string.Equals(r.RepoId, repoId, StringComparison.OrdinalIgnoreCase)).ToArray();
        return matches.Length switch
        {
            0 => null,
            1 => matches[0],
            _ => throw new UsageException(
                $"'{repoId}' matches {matches.Length} cached repositories that differ only in case: {string.Join(", ", matches.Select(r => r.RepoId))}; give the exact one."),
        };
    }

    /// <summary>Shortest commit prefix accepted, as git abbreviates.</summary>
    private const int MinPrefix = 7;

    private static bool IsCommitHash(string value) => value.Length == 40 && value.All(char.IsAsciiHexDigit);

    /// <summary>
    /// The cached revision a prefix of at least <see cref="MinPrefix"/> hex characters names, as git resolves short hashes;
    /// null when it is not such a prefix or names none; a usage error when several revisions share it.
    /// </summary>
    private static string? FindByPrefix(HubCacheInfo cache, string value)
    {
        if (value.Length < MinPrefix || value.Length >= 40 || !value.All(char.IsAsciiHexDigit)) return null;
        string prefix = value.ToLowerInvariant();
        string[] matches = cache.Repos.SelectMany(r => r.Revisions).Select(r => r.CommitHash)
            .Where(c => c.StartsWith(prefix, StringComparison.Ordinal)).Distinct(StringComparer.Ordinal).ToArray();
        return matches.Length switch
        {
            0 => null,
            1 => matches[0],
            _ => throw new UsageException($"'{value}' is ambiguous: it starts {string.Join(", ", matches)}; give more characters."),
        };
    }
}
