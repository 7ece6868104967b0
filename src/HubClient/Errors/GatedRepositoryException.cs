using System.Net;

namespace HubClient;

/// <summary>
/// The repository is gated: accept its terms on the hub and pass a token of an account that did.
/// </summary>
public class GatedRepositoryException : RepositoryNotFoundException
{
    /// <summary>Creates the exception from a server answer.</summary>
    public GatedRepositoryException(string message, HttpStatusCode? statusCode, string? errorCode, string? requestId, Uri? requestUri)
        : base(message, statusCode, errorCode, requestId, requestUri) { }
}
