using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace HubClient.Testing;

/// <summary>The request target as sent (still escaped), split into unescaped segments so that <c>refs%2Fpr%2F1</c> stays one segment.</summary>
internal sealed class RawPath
{
    private RawPath(string path, string query, string[] segments)
    {
        Path = path;
        Query = query;
        Segments = segments;
    }

    public string Path { get; }

    public string Query { get; }

    public string[] Segments { get; }

    public static RawPath From(HttpContext context)
    {
        string target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (context.Request.Path + context.Request.QueryString);
        int q = target.IndexOf('?', StringComparison.Ordinal);
        string path = q >= 0 ? target[..q] : target;
        string query = q >= 0 ? target[q..] : "";
        string[] segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        return new RawPath(path, query, segments);
    }
}
