namespace HubClient;

/// <summary>
/// How transient failures are retried: 408, 429, 500, 502, 503, 504, timeouts and network errors, with exponential
/// backoff and jitter, honouring <c>Retry-After</c>. The defaults match huggingface_hub (5 retries, 1 s doubling to 8 s).
/// </summary>
public sealed class HubRetryOptions
{
    /// <summary>Retries after the first attempt. Default 5; 0 disables retries.</summary>
    public int MaxRetries { get; set; } = 5;

    /// <summary>The first delay, doubled at each retry. Default 1 s.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest backoff delay. Default 8 s.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>
    /// The longest <c>Retry-After</c> HubClient waits for; a longer one throws <see cref="RateLimitedException"/>
    /// at once so the caller can decide. Default 5 minutes.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Randomise delays so many clients do not retry in lockstep. Default true.</summary>
    public bool UseJitter { get; set; } = true;

    /// <summary>
    /// Consecutive mid-body connection failures without new bytes before a download gives up. Attempts reset whenever
    /// bytes arrive. Default 5.
    /// </summary>
    public int MaxStalledResumes { get; set; } = 5;
}
