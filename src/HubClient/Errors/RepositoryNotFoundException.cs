using System.Net;

namespace HubClient;

/// <summary>The repository does not exist, or it is private and the token (if any) has no access to it.</summary>
public class RepositoryNotFoundException : HubException
{
    /// <summary>Creates the exception from a server answer.</summary>
    public RepositoryNotFoundException(string message, HttpStatusCode? statusCode, string? errorCode, string? requestId, Uri? requestUri)
        : base(message, statusCode, errorCode, requestId, requestUri) { }
}
