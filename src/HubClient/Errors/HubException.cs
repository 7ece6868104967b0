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

    /// <summary>
    /// Whether calling again later may succeed: true for 408, 429 and 5xx answers and for network failures and timeouts
    /// (directly or as the cause), false for answers that will not change (missing repository, revision or file, access
    /// refused, bytes that failed their hash, a server that does not speak the protocol).
    /// </summary>
    public virtual bool IsTransient => StatusCode is { } status
        ? TransientFailure.IsTransientStatus(status)
        : InnerException switch
        {
            HubException inner => inner.IsTransient,
            LocalWriteException => false,
            { } inner => TransientFailure.IsTransientException(inner),
            null => false,
        };
}
