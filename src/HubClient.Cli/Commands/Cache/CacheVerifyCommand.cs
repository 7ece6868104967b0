using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using HubClient.Cli.Output;

namespace HubClient.Cli.Commands.Cache;

/// <summary>
/// <c>hub cache verify [REPO]</c>: re-hashes cached blobs and reports corrupt, missing and orphaned ones; exit 1 when any
/// blob is corrupt or missing. <c>--on-corrupt move-aside|delete</c> takes corrupt blobs out so the next download fetches
/// them again.
/// </summary>
internal static class CacheVerifyCommand
{
    public static Command Create(CliContext context)
    {
        var repo = new Argument<string?>("repo") { Description = "Verify only this repository (default: the whole cache)", Arity = ArgumentArity.ZeroOrOne };
        var onCorrupt = new Option<string>("--on-corrupt")
        {
            Description = "What to do with corrupt blobs: report, move-aside (keep as {etag}.corrupt-{time}) or delete",
            HelpName = "action",
            DefaultValueFactory = _ => "report",
        };
        onCorrupt.AcceptOnlyFromAmong("report", "move-aside", "delete");
        var command = new Command("verify", "Re-hash cached files against their hashes; report corrupt, missing and orphaned blobs (exit 1 if any is corrupt or missing).")
        {
            repo, GlobalOptions.RepoType, onCorrupt, GlobalOptions.CacheDir, GlobalOptions.Json,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            string cacheDirectory = GlobalOptions.CacheDirectory(result);
            string? repoId = result.GetValue(repo);
            RepoType repoType = GlobalOptions.ParseRepoType(result);
            if (repoId is not null && HubCache.Scan(cacheDirectory).FindRepo(repoId, repoType) is null)
            {
                throw new CliException($"{repoId} ({GlobalOptions.RepoTypeName(repoType)}) is not in the cache at {cacheDirectory}.");
            }
            bool json = result.GetValue(GlobalOptions.Json);
            var clock = Stopwatch.StartNew();
            CacheVerifyReport report = await new VerifyDisplay(context, silent: json).RunAsync(progress => HubCache.VerifyAsync(cacheDirectory, new CacheVerifyOptions
            {
                RepoId = repoId,
                RepoType = repoType,
                CorruptBlobs = result.GetValue(onCorrupt) switch
                {
                    "move-aside" => CorruptBlobAction.MoveAside,
                    "delete" => CorruptBlobAction.Delete,
                    _ => CorruptBlobAction.Report,
                },
                Progress = progress,
            }, cancellationToken)).ConfigureAwait(false);

            if (json) await JsonOutput.WriteAsync(context.Output, CacheJson.From(report)).ConfigureAwait(false);
            else await WriteReportAsync(context.Output, report, clock.Elapsed, result.GetValue(GlobalOptions.Verbose)).ConfigureAwait(false);
            return report.IsHealthy ? ExitCodes.Ok : ExitCodes.Error;
        });
        return command;
    }

    private static async Task WriteReportAsync(TextWriter o, CacheVerifyReport report, TimeSpan elapsed, bool verbose)
    {
        await o.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Verified {Plural.Of(report.BlobsVerified, "blob")} ({ByteSize.Format(report.BytesVerified)}) in {elapsed.TotalSeconds:0.0}s.")).ConfigureAwait(false);
        foreach (CorruptBlob blob in report.Corrupt)
        {
            string action = blob.MovedTo is { } movedTo ? $"; moved to {RepoId.Printable(movedTo)}" : blob.Deleted ? "; deleted" : "";
            await o.WriteLineAsync($"corrupt:      {RepoId.Printable(blob.BlobPath)} (hashes to {blob.Actual}{action})").ConfigureAwait(false);
            foreach (string link in blob.RemovedLinks) await o.WriteLineAsync($"              removed link {RepoId.Printable(link)}").ConfigureAwait(false);
        }
        foreach (MissingBlob missing in report.Missing)
        {
            await o.WriteLineAsync($"missing:      {RepoId.Printable(missing.SnapshotPath)} -> {(missing.BlobPath is { } target ? RepoId.Printable(target) : "(unreadable link)")}").ConfigureAwait(false);
        }
        foreach (string orphan in report.Orphaned)
        {
            await o.WriteLineAsync($"orphaned:     {RepoId.Printable(orphan)} (no snapshot links to it; harmless)").ConfigureAwait(false);
        }
        if (verbose)
        {
            foreach (string file in report.Unverifiable) await o.WriteLineAsync($"unverifiable: {RepoId.Printable(file)}").ConfigureAwait(false);
        }
        else if (report.Unverifiable.Count > 0)
        {
            await o.WriteLineAsync($"{Plural.Of(report.Unverifiable.Count, "file")} {(report.Unverifiable.Count == 1 ? "has" : "have")} no hash to check against (copy mode or non-hash etags); --verbose lists them.").ConfigureAwait(false);
        }

        if (report.IsHealthy)
        {
            await o.WriteLineAsync("No corrupt or missing files.").ConfigureAwait(false);
        }
        else
        {
            bool handled = report.Corrupt.All(c => c.MovedTo is not null || c.Deleted);
            int found = report.Corrupt.Count + report.Missing.Count;
            string them = found == 1 ? "it" : "them";
            await o.WriteLineAsync($"Found {report.Corrupt.Count} corrupt and {report.Missing.Count} missing {Plural.Noun(found, "file")}"
                + (handled ? $"; the next download fetches {them} again." : $"; run again with --on-corrupt move-aside to have {them} downloaded again.")).ConfigureAwait(false);
        }
    }
}
