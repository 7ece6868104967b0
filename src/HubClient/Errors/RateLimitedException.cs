using System.Net;

namespace HubClient;

/// <summary>The hub answered 429 and retries were used up (or the wait it asked for exceeds the configured maximum).</summary>
public class RateLimitedException : HubException
{
    /// <summary>Creates the exception from a server answer.</summary>
    public RateLimitedException(string message, TimeSpan? retryAfter, string? errorCode, string? requestId, Uri? requestUri)
        : base(message, HttpStatusCode.TooManyRequests, errorCode, requestId, requestUri)
    {
        RetryAfter = retryAfter;
    }

    /// <summary>How long the hub asked to wait before the next request, when it said.</summary>
    public TimeSpan? RetryAfter { get; }
}
