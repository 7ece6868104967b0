namespace HubClient.Testing;

/// <summary>Ready-made request filters for <see cref="FakeHub.InjectFault"/> and for reading <see cref="FakeHub.Requests"/>.</summary>
public static class RequestFilters
{
    /// <summary>Any request.</summary>
    public static bool Any(FakeHubRequest request) => true;

    /// <summary>
    /// GETs of a file's bytes, whether from the hub's resolve URL or from the CDN. A fault on the bytes (drop, stall, drip,
    /// corruption…) that matches a resolve GET answered with a redirect (LFS, Xet) is not spent there: it waits for the
    /// GET that carries the bytes.
    /// </summary>
    public static Func<FakeHubRequest, bool> Download(string path)
    {
        string suffix = "/" + string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
        return r => r.Method == "GET" && (r.IsCdn || r.Path.Contains("/resolve/", StringComparison.Ordinal)) && r.Path.EndsWith(suffix, StringComparison.Ordinal);
    }

    /// <summary>HEAD requests on a file's resolve URL.</summary>
    public static Func<FakeHubRequest, bool> Metadata(string path)
    {
        string suffix = "/" + string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
        return r => r.Method == "HEAD" && r.Path.EndsWith(suffix, StringComparison.Ordinal);
    }

    /// <summary>Requests to the JSON API (<c>/api/…</c>).</summary>
    public static bool Api(FakeHubRequest request) => request?.Path.StartsWith("/api/", StringComparison.Ordinal) == true;
}
