using System.CommandLine;
using System.Globalization;
using HubClient.Cli.Output;

namespace HubClient.Cli.Commands;

/// <summary><c>hub info REPO</c>: what the hub says about a repository.</summary>
internal static class InfoCommand
{
    public static Command Create(CliContext context)
    {
        var repo = new Argument<string>("repo") { Description = "Repository id" };
        var revision = new Option<string?>("--revision") { Description = "Branch, tag or commit (default: main)" };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var command = new Command("info", "Show a repository's commit, visibility, counters, tags and files.") { GlobalOptions.Endpoint, GlobalOptions.Token, repo, revision, GlobalOptions.RepoType, json };
        command.SetAction(async (result, cancellationToken) =>
        {
            using HubApi api = context.CreateApi(result);
            RepoInfo info = await api.GetRepoInfoAsync(result.GetValue(repo)!, result.GetValue(revision), GlobalOptions.ParseRepoType(result),
                filesMetadata: true, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (result.GetValue(json))
            {
                await JsonOutput.WriteAsync(context.Output, info).ConfigureAwait(false);
                return ExitCodes.Ok;
            }
            TextWriter o = context.Output;
            await o.WriteLineAsync($"id:            {info.Id}").ConfigureAwait(false);
            await o.WriteLineAsync($"commit:        {info.Sha}").ConfigureAwait(false);
            await o.WriteLineAsync($"last modified: {info.LastModified?.ToString("u", CultureInfo.InvariantCulture)}").ConfigureAwait(false);
            await o.WriteLineAsync($"private:       {(info.IsPrivate == true ? "true" : "false")}").ConfigureAwait(false);
            await o.WriteLineAsync($"gated:         {info.Gated ?? RepoGating.NotGated}").ConfigureAwait(false);
            if (info is ModelInfo model) await o.WriteLineAsync($"downloads:     {model.Downloads}").ConfigureAwait(false);
            await o.WriteLineAsync($"likes:         {info.Likes}").ConfigureAwait(false);
            await o.WriteLineAsync($"tags:          {string.Join(", ", info.Tags)}").ConfigureAwait(false);
            await o.WriteLineAsync($"files:         {info.Siblings.Count} ({ByteSize.Format(info.Siblings.Sum(s => s.Size ?? 0))})").ConfigureAwait(false);
            foreach (RepoSibling file in info.Siblings)
            {
                await o.WriteLineAsync($"  {ByteSize.Format(file.Size ?? 0),10}  {file.Path}").ConfigureAwait(false);
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
