using System.Net;

namespace HubClient;

/// <summary>Which answers and exceptions are worth retrying.</summary>
internal static class TransientFailure
{
    public static bool IsTransientStatus(HttpStatusCode status) => status is
        HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests or HttpStatusCode.InternalServerError
        or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    /// <summary>Network failures and timeouts (not the caller's own cancellation, which never reaches here as a TimeoutException).</summary>
    public static bool IsTransientException(Exception exception) =>
        exception is HttpRequestException or TimeoutException or IOException;
}
