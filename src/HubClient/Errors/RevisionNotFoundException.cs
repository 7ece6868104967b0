using System.Net;

namespace HubClient;

/// <summary>The branch, tag or commit does not exist in the repository.</summary>
public class RevisionNotFoundException : HubException
{
    /// <summary>Creates the exception from a server answer.</summary>
    public RevisionNotFoundException(string message, HttpStatusCode? statusCode, string? errorCode, string? requestId, Uri? requestUri)
        : base(message, statusCode, errorCode, requestId, requestUri) { }
}
