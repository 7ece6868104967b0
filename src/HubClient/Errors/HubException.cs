using System.Net;

namespace HubClient;

/// <summary>
/// The base of every error HubClient raises about the hub or the cache. Carries what the server said:
/// status, <c>X-Error-Code</c>, message and request id. Never carries the token.
/// </summary>
public class HubException : Exception
{
    /// <summary>Creates an exception with a message.</summary>
    public HubException(string message) : base(message) { }

    /// <summary>Creates an exception with a message and its cause.</summary>
    public HubException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates an exception describing a server answer.</summary>
    public HubException(string message, HttpStatusCode? statusCode, string? errorCode, string? requestId, Uri? requestUri, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        ErrorCode = errorCode;
        RequestId = requestId;
        RequestUri = requestUri;
    }

    /// <summary>The HTTP status of the answer, when there was one.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The hub's <c>X-Error-Code</c> (<c>RepoNotFound</c>, <c>EntryNotFound</c>, …), when sent.</summary>
    public string? ErrorCode { get; }

    /// <summary>The request id (<c>X-Request-Id</c> or a CDN trace id) to quote to the hub's support.</summary>
    public string? RequestId { get; }

    /// <summary>The URL that was asked (never with credentials).</summary>
    public Uri? RequestUri { get; }
}
