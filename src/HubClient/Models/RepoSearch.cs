namespace HubClient;

/// <summary>
/// What a repository search asks the hub (<c>GET /api/models|datasets|spaces</c>): see <see cref="ModelSearch"/>,
/// <see cref="DatasetSearch"/> and <see cref="SpaceSearch"/>. Every criterion set must match.
/// </summary>
public abstract class RepoSearch
{
    private protected RepoSearch() { }

    /// <summary>Text the repository id must contain (<c>search</c>).</summary>
    public string? Search { get; set; }

    /// <summary>The user or organization owning the repositories (<c>author</c>).</summary>
    public string? Author { get; set; }

    /// <summary>Tags the repositories must all have, such as <c>license:mit</c> or <c>en</c> (one <c>filter</c> each).</summary>
    public IList<string> Filters { get; } = new List<string>();

    /// <summary>The order of the results, most first (<c>sort</c>); the hub's own order when null.</summary>
    public RepoSort? Sort { get; set; }

    /// <summary>
    /// At most this many results (<c>limit</c>, also the page size asked of the hub), counted from where an enumeration
    /// starts. The listing ends there: no further page is fetched, and the last page carries no continuation token.
    /// Null lists everything that matches.
    /// </summary>
    public int? Limit { get; set; }

    /// <summary>Report every field, including files, commit and dates (<c>full=true</c>); not with <see cref="Expand"/>.</summary>
    public bool Full { get; set; }

    /// <summary>Report only these fields, such as <c>downloads</c>, <c>likes</c>, <c>sha</c> (one <c>expand</c> each).</summary>
    public IList<string> Expand { get; } = new List<string>();

    /// <summary>Throws <see cref="ArgumentException"/> for values or combinations the hub rejects.</summary>
    internal virtual void Validate(string paramName)
    {
        if (Limit < 0) throw new ArgumentOutOfRangeException(paramName, Limit, "Limit must not be negative.");
        if (Expand.Count > 0 && Full) throw new ArgumentException("Expand cannot be combined with Full: the hub rejects it.", paramName);
        if (Filters.Any(string.IsNullOrEmpty) || Expand.Any(string.IsNullOrEmpty))
            throw new ArgumentException("Filters and Expand must not contain empty values.", paramName);
    }

    /// <summary>The query parameters, spelled as the hub expects.</summary>
    internal virtual void AddTo(QueryString query)
    {
        query.Add("search", Search).Add("author", Author).AddEach("filter", Filters).Add("sort", Sort?.ToQueryValue()).Add("limit", Limit)
            .AddFlag("full", Full).AddEach("expand", Expand);
    }
}
