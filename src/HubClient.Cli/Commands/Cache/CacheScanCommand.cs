using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using HubClient.Cli.Output;
using Spectre.Console;

namespace HubClient.Cli.Commands.Cache;

/// <summary>
/// <c>hub cache scan</c>: the cached repositories as <c>hf cache scan</c> shows them (one row per repository, or per
/// revision with <c>--verbose</c>), partial downloads, and warnings about anything malformed.
/// </summary>
internal static class CacheScanCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("scan", "List cached repositories: size on disk, files, last access and change, refs, path (--verbose: one row per revision).")
        {
            GlobalOptions.CacheDir, GlobalOptions.Json,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var clock = Stopwatch.StartNew();
            HubCacheInfo cache = HubCache.Scan(GlobalOptions.CacheDirectory(result));
            if (result.GetValue(GlobalOptions.Json))
            {
                await JsonOutput.WriteAsync(context.Output, CacheJson.From(cache)).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            DateTimeOffset now = DateTimeOffset.Now;
            Table table = result.GetValue(GlobalOptions.Verbose) ? RevisionTable(context, cache, now) : RepoTable(context, cache, now);
            if (table.Rows.Count > 0) await context.RenderAsync(table).ConfigureAwait(false);
            TextWriter o = context.Output;
            await o.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Done in {clock.Elapsed.TotalSeconds:0.0}s. Scanned {Plural.Of(cache.Repos.Count, "repo")} for a total of {ByteSize.Format(cache.SizeOnDisk)}.")).ConfigureAwait(false);
            if (cache.SharedBlobStoreSize > 0)
            {
                await o.WriteLineAsync(
                    $"Shared blob store ({RepoId.Printable(Path.Combine(cache.CacheDirectory, "blobs"))}): {ByteSize.Format(cache.SharedBlobStoreSize)}, saving {ByteSize.Format(cache.SharedBlobStoreSavedBytes)} that repos linking the same files would otherwise keep twice.").ConfigureAwait(false);
            }
            if (cache.IncompleteDownloads.Count > 0)
            {
                await o.WriteLineAsync($"{Plural.Of(cache.IncompleteDownloads.Count, "partial download")} ({ByteSize.Format(cache.IncompleteSizeOnDisk)}); 'hub cache prune' removes stale ones.").ConfigureAwait(false);
            }
            if (cache.Warnings.Count > 0)
            {
                await context.Error.WriteLineAsync($"Got {Plural.Of(cache.Warnings.Count, "warning")} while scanning:").ConfigureAwait(false);
                foreach (CacheWarning warning in cache.Warnings)
                {
                    await context.Error.WriteLineAsync($"  {warning.Kind}: {RepoId.Printable(warning.Message)}").ConfigureAwait(false);
                }
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Table RepoTable(CliContext context, HubCacheInfo cache, DateTimeOffset now)
    {
        Table table = Tables.Create(context, "REPO ID", "REPO TYPE", "SIZE ON DISK>", "NB FILES>", "LAST_ACCESSED", "LAST_MODIFIED", "REFS", "LOCAL PATH");
        foreach (CachedRepo repo in cache.Repos)
        {
            table.AddTextRow(
                repo.RepoId, GlobalOptions.RepoTypeName(repo.RepoType), ByteSize.Format(repo.SizeOnDisk),
                repo.FileCount.ToString(CultureInfo.InvariantCulture), RelativeTime.Since(repo.LastAccessed, now),
                RelativeTime.Since(repo.LastModified, now), string.Join(", ", repo.Refs.Keys), repo.RepoPath);
        }
        return table;
    }

    private static Table RevisionTable(CliContext context, HubCacheInfo cache, DateTimeOffset now)
    {
        Table table = Tables.Create(context, "REPO ID", "REPO TYPE", "REVISION", "SIZE ON DISK>", "NB FILES>", "LAST_MODIFIED", "REFS", "LOCAL PATH");
        foreach (CachedRepo repo in cache.Repos)
        {
            foreach (CachedRevision revision in repo.Revisions)
            {
                table.AddTextRow(
                    repo.RepoId, GlobalOptions.RepoTypeName(repo.RepoType), revision.CommitHash, ByteSize.Format(revision.SizeOnDisk),
                    revision.FileCount.ToString(CultureInfo.InvariantCulture), RelativeTime.Since(revision.LastModified, now),
                    revision.IsDetached ? "(detached)" : string.Join(", ", revision.Refs), revision.SnapshotPath);
            }
        }
        return table;
    }
}
