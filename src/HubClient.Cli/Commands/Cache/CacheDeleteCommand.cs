using System.CommandLine;

namespace HubClient.Cli.Commands.Cache;

/// <summary>
/// <c>hub cache delete REVISION...</c>: removes cached revisions (40-hex commits, or a repository id for all its revisions)
/// with the blobs nothing else uses; shows the plan and asks first unless <c>--yes</c>.
/// </summary>
internal static class CacheDeleteCommand
{
    public static Command Create(CliContext context)
    {
        var revisions = new Argument<string[]>("revisions")
        {
            Description = "Commit hashes as 'hub cache scan --verbose' lists them, or repository ids (every cached revision; see --repo-type)",
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
            foreach (string target in result.GetValue(revisions)!)
            {
                if (IsCommitHash(target))
                {
                    commits.Add(target);
                }
                else if (cache.FindRepo(target, repoType) is { } repo)
                {
                    commits.AddRange(repo.Revisions.Select(r => r.CommitHash));
                }
                else
                {
                    throw new CliException(
                        $"'{target}' is neither a commit hash (40 hex characters) nor a cached {GlobalOptions.RepoTypeName(repoType)} repository; 'hub cache scan --verbose' lists both.");
                }
            }

            CacheDeletePlan plan = cache.DeleteRevisions([.. commits.Distinct(StringComparer.Ordinal)]);
            foreach (string missing in plan.RevisionsNotFound)
            {
                await context.Error.WriteLineAsync($"warning: revision {missing} is not in the cache").ConfigureAwait(false);
            }
            if (plan.IsEmpty && plan.RevisionsNotFound.Count > 0)
            {
                throw new CliException("None of the revisions are in the cache: nothing to delete.");
            }
            return await DeletionPlanRunner.RunAsync(context, result, plan).ConfigureAwait(false);
        });
        return command;
    }

    private static bool IsCommitHash(string value) => value.Length == 40 && value.All(char.IsAsciiHexDigitLower);
}
