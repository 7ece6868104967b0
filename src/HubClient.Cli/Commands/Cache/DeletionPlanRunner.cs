using System.CommandLine;
using HubClient.Cli.Output;

namespace HubClient.Cli.Commands.Cache;

/// <summary>
/// What <c>hub cache delete</c> and <c>hub cache prune</c> share: print the plan and the bytes it frees, then confirm
/// (unless <c>--yes</c>; refused when there is no terminal to ask on), then execute and report what was kept.
/// </summary>
internal static class DeletionPlanRunner
{
    public static readonly Option<bool> Yes = new("--yes", "-y") { Description = "Delete without asking" };

    public static readonly Option<bool> DryRun = new("--dry-run") { Description = "Only show what would be deleted" };

    public static async Task<int> RunAsync(CliContext context, ParseResult result, CacheDeletePlan plan, CancellationToken cancellationToken)
    {
        TextWriter o = context.Output;
        await WritePlanAsync(o, plan, result.GetValue(GlobalOptions.Verbose)).ConfigureAwait(false);
        if (plan.IsEmpty)
        {
            await o.WriteLineAsync("Nothing to delete.").ConfigureAwait(false);
            return ExitCodes.Ok;
        }
        await o.WriteLineAsync($"Will free {ByteSize.Format(plan.ExpectedBytesFreed)}.").ConfigureAwait(false);
        if (result.GetValue(DryRun))
        {
            await o.WriteLineAsync("Dry run: nothing deleted.").ConfigureAwait(false);
            return ExitCodes.Ok;
        }
        if (!result.GetValue(Yes))
        {
            switch (await context.ConfirmAsync("Delete?", cancellationToken).ConfigureAwait(false))
            {
                case null:
                    await context.Error.WriteLineAsync("error: not deleting without confirmation, and there is no terminal to ask on: pass --yes to delete.").ConfigureAwait(false);
                    return ExitCodes.Error;
                case false:
                    await o.WriteLineAsync("Cancelled: nothing deleted.").ConfigureAwait(false);
                    return ExitCodes.Ok;
            }
        }

        CacheDeleteResult done = plan.Execute();
        await o.WriteLineAsync($"Deleted {Plural.Of(done.Deleted.Count, "path")}, freed {ByteSize.Format(done.BytesFreed)}.").ConfigureAwait(false);
        foreach ((string path, string reason) in done.NotDeleted)
        {
            await context.Error.WriteLineAsync($"kept {RepoId.Printable(path)}: {RepoId.Printable(reason)}").ConfigureAwait(false);
        }
        return ExitCodes.Ok;
    }

    /// <summary>
    /// Repositories, revisions, partial downloads and set-aside blobs one per line; refs, blobs, shared-store entries (swept:
    /// deleted only if no link to them remains) and bookkeeping files counted (listed with <c>--verbose</c>). Paths are
    /// relative to the cache folder.
    /// </summary>
    private static async Task WritePlanAsync(TextWriter o, CacheDeletePlan plan, bool verbose)
    {
        if (plan.IsEmpty) return;
        await o.WriteLineAsync($"Deletion plan for {RepoId.Printable(plan.CacheDirectory)}:").ConfigureAwait(false);
        string Relative(string path) => RepoId.Printable(Path.GetRelativePath(plan.CacheDirectory, path));
        foreach (string repo in plan.Repos) await o.WriteLineAsync($"  repository      {Relative(repo)} (every revision)").ConfigureAwait(false);
        foreach (string snapshot in plan.Snapshots) await o.WriteLineAsync($"  revision        {Relative(snapshot)}").ConfigureAwait(false);
        foreach (string partial in plan.IncompleteFiles) await o.WriteLineAsync($"  partial         {Relative(partial)}").ConfigureAwait(false);
        foreach (string blob in plan.SetAsideBlobs) await o.WriteLineAsync($"  set-aside blob  {Relative(blob)}").ConfigureAwait(false);
        foreach ((string kind, IReadOnlyList<string> paths) in new[] { ("ref", plan.Refs), ("blob", plan.Blobs), ("shared blob", plan.SharedBlobs), ("bookkeeping", plan.OtherFiles) })
        {
            if (paths.Count == 0) continue;
            if (verbose)
            {
                foreach (string path in paths) await o.WriteLineAsync($"  {kind,-15} {Relative(path)}").ConfigureAwait(false);
            }
            else
            {
                await o.WriteLineAsync($"  {Plural.Of(paths.Count, kind + " file")}").ConfigureAwait(false);
            }
        }
    }
}
