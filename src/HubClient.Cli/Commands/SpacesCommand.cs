using System.CommandLine;
using HubClient.Cli.Output;

namespace HubClient.Cli.Commands;

/// <summary><c>hub spaces</c>: search the hub's Spaces.</summary>
internal static class SpacesCommand
{
    public static Command Create(CliContext context)
    {
        var search = new RepoSearchOptions();
        var command = new Command("spaces", "Search Spaces: id, likes, SDK, creation date.");
        search.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            SpaceSearch query = search.Apply(result, new SpaceSearch());
            using HubApi api = context.CreateApi(result);
            return await RepoSearchOptions.WriteAsync(
                context, result, api.ListSpacesAsync(query, cancellationToken), "spaces",
                ["ID", "LIKES>", "SDK", "CREATED"],
                s => [s.Id, Tables.Count(s.Likes), s.Sdk, Tables.Date(s.CreatedAt)],
                cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
