namespace HubClient;

/// <summary>What to search for in <see cref="HubApi.ListSpacesAsync"/>.</summary>
public sealed class SpaceSearch : RepoSearch
{
}
