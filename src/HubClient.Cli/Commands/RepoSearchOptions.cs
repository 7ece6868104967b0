using System.CommandLine;
using HubClient.Cli.Output;
using Spectre.Console;

namespace HubClient.Cli.Commands;

/// <summary>
/// The options <c>hub models</c>, <c>hub datasets</c> and <c>hub spaces</c> share (<c>--search</c>, <c>--author</c>,
/// <c>--filter</c>, <c>--sort</c>, <c>--limit</c>, <c>--json</c>), and how their results are printed.
/// </summary>
internal sealed class RepoSearchOptions
{
    /// <summary>Results shown when <c>--limit</c> is not given: a listing of the public hub never ends otherwise.</summary>
    public const int DefaultLimit = 20;

    private static readonly Dictionary<string, RepoSort> SortNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["downloads"] = RepoSort.Downloads,
        ["likes"] = RepoSort.Likes,
        ["lastModified"] = RepoSort.LastModified,
        ["last-modified"] = RepoSort.LastModified,
        ["createdAt"] = RepoSort.CreatedAt,
        ["created-at"] = RepoSort.CreatedAt,
        ["trendingScore"] = RepoSort.TrendingScore,
        ["trending"] = RepoSort.TrendingScore,
    };

    private readonly Option<string?> _search = new("--search") { Description = "Text the repository id must contain", HelpName = "text" };

    private readonly Option<string?> _author = new("--author") { Description = "User or organization owning the repositories", HelpName = "name" };

    private readonly Option<string[]> _filter = new("--filter")
    {
        Description = "Tag the repositories must have, e.g. license:mit (repeatable; all must match)",
        HelpName = "tag",
        AllowMultipleArgumentsPerToken = false,
    };

    private readonly Option<RepoSort?> _sort = new("--sort")
    {
        Description = "Order, most first: downloads, likes, lastModified, createdAt or trendingScore",
        HelpName = "order",
        CustomParser = r =>
        {
            string value = r.Tokens[0].Value;
            if (SortNames.TryGetValue(value, out RepoSort sort)) return sort;
            r.AddError($"--sort: unknown order '{value}'; use downloads, likes, lastModified, createdAt or trendingScore.");
            return null;
        },
    };

    private readonly Option<int> _limit = new("--limit")
    {
        Description = "At most this many results (0 lists everything)",
        HelpName = "count",
        DefaultValueFactory = _ => DefaultLimit,
    };

    public RepoSearchOptions()
    {
        _limit.CustomParser = CountParser.AtLeast("--limit", 0, "must not be negative");
    }

    public void AddTo(Command command)
    {
        command.Options.Add(GlobalOptions.Endpoint);
        command.Options.Add(GlobalOptions.Token);
        command.Options.Add(_search);
        command.Options.Add(_author);
        command.Options.Add(_filter);
        command.Options.Add(_sort);
        command.Options.Add(_limit);
        command.Options.Add(GlobalOptions.Json);
    }

    /// <summary>Copies the parsed options into a search.</summary>
    public T Apply<T>(ParseResult result, T search)
        where T : RepoSearch
    {
        search.Search = result.GetValue(_search);
        search.Author = result.GetValue(_author);
        foreach (string filter in result.GetValue(_filter) ?? []) search.Filters.Add(filter);
        search.Sort = result.GetValue(_sort);
        int limit = result.GetValue(_limit);
        search.Limit = limit == 0 ? null : limit;
        return search;
    }

    /// <summary>
    /// Prints the results: a JSON array streamed as pages arrive with <c>--json</c>, else a table with one row per repository.
    /// </summary>
    /// <param name="context">Where to write.</param>
    /// <param name="result">The parsed command line (for <c>--json</c>).</param>
    /// <param name="repos">The search.</param>
    /// <param name="kind">"models", "datasets" or "spaces", for the message when nothing matches.</param>
    /// <param name="headers">Column headers; see <see cref="Tables.Create"/>.</param>
    /// <param name="row">The cells of one repository, in the order of <paramref name="headers"/>.</param>
    /// <param name="cancellationToken">Stops the listing.</param>
    public static async Task<int> WriteAsync<T>(
        CliContext context, ParseResult result, HubPageable<T> repos, string kind, string[] headers, Func<T, string?[]> row, CancellationToken cancellationToken)
        where T : RepoInfo
    {
        if (result.GetValue(GlobalOptions.Json))
        {
            await JsonOutput.WriteArrayAsync(context.Output, repos, cancellationToken).ConfigureAwait(false);
            return ExitCodes.Ok;
        }
        Table table = Tables.Create(context, headers);
        await foreach (T repo in repos.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            table.AddTextRow(row(repo));
        }
        if (table.Rows.Count == 0)
        {
            await context.Output.WriteLineAsync($"No {kind} match.").ConfigureAwait(false);
            return ExitCodes.Ok;
        }
        await context.RenderAsync(table).ConfigureAwait(false);
        return ExitCodes.Ok;
    }
}
