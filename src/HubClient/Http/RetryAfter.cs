using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace HubClient;

/// <summary>
/// Reads how long a server asked to wait, as huggingface_hub does (<c>utils/_http.py</c>): a 429 whose
/// <c>RateLimit: "…";r=0;t=N</c> says no request is left waits <c>N</c> seconds; otherwise <c>Retry-After</c> (seconds or
/// HTTP date). The hub sends <c>RateLimit</c> on ordinary answers too (<c>r</c> requests left): that is no reason to wait.
/// </summary>
internal static class RetryAfter
{
    public static TimeSpan? From(HttpResponseMessage response, TimeProvider time)
    {
        if (response.StatusCode == HttpStatusCode.TooManyRequests && RateLimitReset(response) is { } reset) return reset;
        RetryConditionHeaderValue? header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta) return delta;
        if (header?.Date is { } date)
        {
            TimeSpan wait = date - time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        return null;
    }

    /// <summary>The <c>t</c> of a <c>RateLimit</c> header whose <c>r</c> is 0 (IETF draft-ietf-httpapi-ratelimit-headers); null otherwise.</summary>
    private static TimeSpan? RateLimitReset(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("RateLimit", out IEnumerable<string>? values)) return null;
        foreach (string value in values)
        {
            int? remaining = null, reset = null;
            foreach (string part in value.Split([';', ','], StringSplitOptions.TrimEntries))
            {
                if (Parameter(part, "r") is { } r) remaining = r;
                else if (Parameter(part, "t") is { } t) reset = t;
            }
            if (remaining == 0 && reset is { } seconds) return TimeSpan.FromSeconds(seconds);
        }
        return null;
    }

    private static int? Parameter(string part, string name)
    {
        int equals = part.IndexOf('=', StringComparison.Ordinal);
        if (equals < 0 || !part.AsSpan(0, equals).Trim().Equals(name, StringComparison.Ordinal)) return null;
        return int.TryParse(part.AsSpan(equals + 1).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int value) ? value : null;
    }
}
