using Microsoft.AspNetCore.Http;

namespace HubClient.Testing;

/// <summary>Faults that replace a JSON API answer: a body that is not JSON, or JSON of the test's choosing.</summary>
internal static class FakeApiFaults
{
    /// <summary>Serves the fault's body when it is one of these; returns whether it did.</summary>
    public static async Task<bool> TryServeAsync(HttpContext context, FakeFault? fault)
    {
        string? body = fault?.Kind switch
        {
            FaultKind.MalformedJson => "{\"id\": \"oops\", \"siblings\": [",
            FaultKind.JsonBody => fault.Json,
            _ => null,
        };
        if (body is null) return false;
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        if (fault!.NextLink is { } next) context.Response.Headers.Link = "<" + next + ">; rel=\"next\"";
        await context.Response.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        return true;
    }
}
