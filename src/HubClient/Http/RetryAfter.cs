using System.Globalization;
using System.Net.Http.Headers;

namespace HubClient;

/// <summary>Reads how long a server asked to wait: <c>Retry-After</c> (seconds or HTTP date), else <c>RateLimit: …;t=N</c>.</summary>
internal static class RetryAfter
{
    public static TimeSpan? From(HttpResponseMessage response, TimeProvider time)
    {
        RetryConditionHeaderValue? header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta) return delta;
        if (header?.Date is { } date)
        {
            TimeSpan wait = date - time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        if (response.Headers.TryGetValues("RateLimit", out IEnumerable<string>? values))
        {
            foreach (string value in values)
            {
                foreach (string part in value.Split([';', ','], StringSplitOptions.TrimEntries))
                {
                    if (part.StartsWith("t=", StringComparison.Ordinal)
                        && int.TryParse(part.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out int seconds))
                    {
                        return TimeSpan.FromSeconds(seconds);
                    }
                }
            }
        }
        return null;
    }
}
