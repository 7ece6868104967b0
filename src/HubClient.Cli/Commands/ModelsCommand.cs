using System.CommandLine;
using HubClient.Cli.Output;

namespace HubClient.Cli.Commands;

/// <summary><c>hub models</c>: search the hub's models.</summary>
internal static class ModelsCommand
{
    public static Command Create(CliContext context)
    {
        var search = new RepoSearchOptions();
        var pipelineTag = new Option<string?>("--pipeline-tag") { Description = "Task, e.g. text-classification", HelpName = "task" };
        var library = new Option<string?>("--library") { Description = "Library, e.g. transformers or gguf", HelpName = "library" };
        var command = new Command("models", "Search models: id, downloads, likes, task, library, creation date.") { pipelineTag, library };
        search.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var query = search.Apply(result, new ModelSearch { PipelineTag = result.GetValue(pipelineTag), Library = result.GetValue(library) });
            using HubApi api = context.CreateApi(result);
            return await RepoSearchOptions.WriteAsync(
                context, result, api.ListModelsAsync(query, cancellationToken), "models",
                ["ID", "DOWNLOADS>", "LIKES>", "TASK", "LIBRARY", "CREATED"],
                m => [m.Id, Tables.Count(m.Downloads), Tables.Count(m.Likes), m.PipelineTag, m.LibraryName, Tables.Date(m.CreatedAt)],
                cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
