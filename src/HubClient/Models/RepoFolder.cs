namespace HubClient;

/// <summary>A folder in a repository tree; <see cref="RepoTreeEntry.Oid"/> is its git tree id.</summary>
public sealed class RepoFolder : RepoTreeEntry
{
}
