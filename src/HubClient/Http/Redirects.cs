using System.Net;

namespace HubClient;

/// <summary>
/// The one way HubClient follows a redirect (its handler follows none by itself): where an answer sends the client, and
/// how many hops it may take. A resolve URL fetched without a HEAD sends LFS files to the CDN, a renamed repository to its
/// new name, an API call to its new address. Relative targets resolve against the URL asked, keeping their query string;
/// the token goes only to the endpoint's host (see <see cref="HubHttp"/>). Each caller decides which hosts it follows to.
/// </summary>
internal static class Redirects
{
    private const int MaxRedirects = 10;

    /// <summary>Where <paramref name="response"/> redirects to, or null when it is not a redirect.</summary>
    /// <exception cref="HubProtocolException">The <c>Location</c> is no URL (say, a port past 65535).</exception>
    public static Uri? Target(HttpResponseMessage response, Uri requested)
    {
        if (response.StatusCode is not (HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect) || response.Headers.Location is not { } location)
        {
            return null;
        }
        return Resolve(location, requested);
    }

    /// <summary><paramref name="location"/> resolved against the URL asked (relative ones keep their query string).</summary>
    /// <exception cref="HubProtocolException">The <c>Location</c> is no URL (say, a port past 65535).</exception>
    public static Uri Resolve(Uri location, Uri requested) =>
        location.IsAbsoluteUri ? location
        : Uri.TryCreate(requested, location, out Uri? target) ? target
        : throw new HubProtocolException($"The redirect's Location '{location.OriginalString}' is not a URL.", requested);

    /// <summary>Counts one more redirect while fetching <paramref name="what"/>; throws past the limit (a loop).</summary>
    public static Uri Follow(Uri target, ref int redirects, string what)
    {
        if (++redirects > MaxRedirects)
        {
            throw new HubProtocolException($"More than {MaxRedirects} redirects fetching {what} (a redirect loop?).", target);
        }
        return target;
    }
}
