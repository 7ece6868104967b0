namespace HubClient;

/// <summary>What to search for in <see cref="HubApi.ListDatasetsAsync"/>.</summary>
public sealed class DatasetSearch : RepoSearch
{
}
