namespace HubClient.Tests.Api;

/// <summary>Reads the fake hub's request log: query parameters as sent, API requests only.</summary>
public static class RequestLog
{
    /// <summary>The query's name/value pairs in order, unescaped (repeated names kept).</summary>
    public static IReadOnlyList<(string Name, string Value)> Parameters(this FakeHubRequest request) =>
        request.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Select(p => (Uri.UnescapeDataString(p[0]), p.Length > 1 ? Uri.UnescapeDataString(p[1]) : ""))
            .ToList();

    /// <summary>The values of one query parameter, in order.</summary>
    public static IReadOnlyList<string> Values(this FakeHubRequest request, string name) =>
        request.Parameters().Where(p => p.Name == name).Select(p => p.Value).ToList();

    /// <summary>The requests to the JSON API.</summary>
    public static IReadOnlyList<FakeHubRequest> ApiRequests(this FakeHub hub) => hub.Requests.Where(RequestFilters.Api).ToList();
}
