using System.Net;

namespace HubClient;

/// <summary>
/// Redirects met while downloading bytes (the handler follows none by itself): a resolve URL fetched without a HEAD sends
/// LFS files to the CDN, a renamed repository to its new name. Relative targets resolve against the URL asked, keeping
/// their query string; the token goes only to the endpoint's host (see <see cref="HubHttp"/>).
/// </summary>
internal static class DownloadRedirect
{
    private const int MaxRedirects = 10;

    /// <summary>Where <paramref name="response"/> redirects to, or null when it is not a redirect.</summary>
    public static Uri? Target(HttpResponseMessage response, Uri requested) =>
        response.StatusCode is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect
        && response.Headers.Location is { } location
            ? (location.IsAbsoluteUri ? location : new Uri(requested, location))
            : null;

    /// <summary>Counts one more redirect for <paramref name="repoPath"/>; throws past the limit (a loop).</summary>
    public static Uri Follow(Uri target, ref int redirects, string repoPath)
    {
        if (++redirects > MaxRedirects)
        {
            throw new HubProtocolException($"More than {MaxRedirects} redirects downloading '{repoPath}' (a redirect loop?).", target);
        }
        return target;
    }
}
