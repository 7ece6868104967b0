using System.CommandLine;
using HubClient.Cli.Output;

namespace HubClient.Cli.Commands;

/// <summary><c>hub datasets</c>: search the hub's datasets.</summary>
internal static class DatasetsCommand
{
    public static Command Create(CliContext context)
    {
        var search = new RepoSearchOptions();
        var command = new Command("datasets", "Search datasets: id, downloads, likes, creation date.");
        search.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            DatasetSearch query = search.Apply(result, new DatasetSearch());
            using HubApi api = context.CreateApi(result);
            return await RepoSearchOptions.WriteAsync(
                context, result, api.ListDatasetsAsync(query, cancellationToken), "datasets",
                ["ID", "DOWNLOADS>", "LIKES>", "CREATED"],
                d => [d.Id, Tables.Count(d.Downloads), Tables.Count(d.Likes), Tables.Date(d.CreatedAt)],
                cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
