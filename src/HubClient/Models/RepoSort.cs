namespace HubClient;

/// <summary>How a repository search is ordered (always descending: most first).</summary>
public enum RepoSort
{
    /// <summary>By downloads over the last 30 days (<c>downloads</c>).</summary>
    Downloads,

    /// <summary>By likes (<c>likes</c>).</summary>
    Likes,

    /// <summary>By the date of the last commit (<c>lastModified</c>).</summary>
    LastModified,

    /// <summary>By creation date (<c>createdAt</c>).</summary>
    CreatedAt,

    /// <summary>By the hub's trending score (<c>trendingScore</c>).</summary>
    TrendingScore,
}
