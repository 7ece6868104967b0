using HubClient.Cli.Commands;

namespace HubClient.Cli.Output;

/// <summary>
/// <c>hub download … --dry-run</c>, as <c>hf download --dry-run</c> prints it: a summary line
/// (<c>[dry-run] Will download N files (out of M) totalling SIZE.</c>) then a file/size table, size "-" for files already
/// in place; or with <c>--json</c> the plan as JSON.
/// </summary>
internal static class DownloadPlanOutput
{
    public static async Task WriteAsync(CliContext context, SnapshotDownloadPlan plan, bool json)
    {
        if (json)
        {
            await InspectCommand.WriteJson(context.Output, w =>
            {
                w.WriteStartObject();
                w.WriteString("repo_id", plan.RepoId);
                w.WriteString("commit_hash", plan.CommitHash);
                w.WriteNumber("files_to_download", plan.FilesToDownload);
                w.WriteNumber("bytes_to_download", plan.BytesToDownload);
                w.WriteNumber("total_bytes", plan.TotalBytes);
                w.WriteStartArray("files");
                foreach (PlannedFile file in plan.Files)
                {
                    w.WriteStartObject();
                    w.WriteString("filename", file.Path);
                    w.WriteNumber("file_size", file.Size);
                    w.WriteString("local_path", file.LocalPath);
                    w.WriteBoolean("is_cached", file.IsCached);
                    w.WriteBoolean("will_download", file.WillDownload);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }).ConfigureAwait(false);
            return;
        }
        await context.Output.WriteLineAsync(
            $"[dry-run] Will download {Plural.Of(plan.FilesToDownload, "file")} (out of {plan.Files.Count}) totalling {ByteSize.Format(plan.BytesToDownload)}.").ConfigureAwait(false);
        var table = Tables.Create(context, "file", "size>");
        foreach (PlannedFile file in plan.Files) table.AddTextRow(file.Path, file.WillDownload ? ByteSize.Format(file.Size) : "-");
        await context.RenderAsync(table).ConfigureAwait(false);
    }
}
