using System.Net;

namespace HubClient;

/// <summary>The file does not exist at that revision.</summary>
public class EntryNotFoundException : HubException
{
    /// <summary>Creates the exception from a server answer.</summary>
    public EntryNotFoundException(string message, HttpStatusCode? statusCode, string? errorCode, string? requestId, Uri? requestUri, string? commitHash)
        : base(message, statusCode, errorCode, requestId, requestUri)
    {
        CommitHash = commitHash;
    }

    /// <summary>The commit the revision resolved to (<c>X-Repo-Commit</c>), when the server said.</summary>
    public string? CommitHash { get; }
}
