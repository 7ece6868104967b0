namespace HubClient;

internal static class RepoSortExtensions
{
    /// <summary>The value of the <c>sort</c> query parameter, spelled as the hub expects.</summary>
    public static string ToQueryValue(this RepoSort sort) => sort switch
    {
        RepoSort.Downloads => "downloads",
        RepoSort.Likes => "likes",
        RepoSort.LastModified => "lastModified",
        RepoSort.CreatedAt => "createdAt",
        RepoSort.TrendingScore => "trendingScore",
        _ => throw new ArgumentOutOfRangeException(nameof(sort), sort, "Unknown sort order."),
    };
}
