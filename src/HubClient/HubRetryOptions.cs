namespace HubClient;

/// <summary>
/// How transient failures are retried: 408, 429, 500, 502, 503, 504, timeouts and network errors, with exponential
/// backoff and jitter, honouring <c>Retry-After</c>. The defaults match huggingface_hub (5 retries, 1 s doubling to 8 s).
/// One budget covers a whole request: attempts that got no answer and connections that broke mid-download draw from the
/// same <see cref="MaxRetries"/>, and a server that cannot be reached at all is given up after
/// <see cref="ConnectFailureTimeout"/>. Validated when a <see cref="HubApi"/> is built, and frozen from then on.
/// </summary>
public sealed class HubRetryOptions
{
    private int _maxRetries = 5;
    private TimeSpan _baseDelay = TimeSpan.FromSeconds(1);
    private TimeSpan _maxDelay = TimeSpan.FromSeconds(8);
    private TimeSpan _maxRetryAfter = TimeSpan.FromMinutes(5);
    private bool _useJitter = true;
    private TimeSpan _connectFailureTimeout = TimeSpan.FromSeconds(3);
    private bool _frozen;

    /// <summary>
    /// Failed attempts in a row without new bytes before a request gives up (a retry pipeline attempt and a resume after a
    /// broken connection each count; bytes arriving reset the count). Default 5; 0 disables retries.
    /// </summary>
    public int MaxRetries { get => _maxRetries; set => Set(ref _maxRetries, value); }

    /// <summary>The first delay, doubled at each retry. Default 1 s.</summary>
    public TimeSpan BaseDelay { get => _baseDelay; set => Set(ref _baseDelay, value); }

    /// <summary>The longest backoff delay. Default 8 s.</summary>
    public TimeSpan MaxDelay { get => _maxDelay; set => Set(ref _maxDelay, value); }

    /// <summary>
    /// The longest <c>Retry-After</c> HubClient waits for; a longer one throws <see cref="RateLimitedException"/>
    /// at once so the caller can decide. Default 5 minutes.
    /// </summary>
    public TimeSpan MaxRetryAfter { get => _maxRetryAfter; set => Set(ref _maxRetryAfter, value); }

    /// <summary>Randomise delays so many clients do not retry in lockstep. Default true.</summary>
    public bool UseJitter { get => _useJitter; set => Set(ref _useJitter, value); }

    /// <summary>
    /// How long, in total, retries may wait for a server that refuses connections or whose name does not resolve before the
    /// request fails. Default 3 s: a hub that is down is reported (or the cache answers) in seconds, not after the whole
    /// backoff schedule. <see cref="TimeSpan.Zero"/> gives up at the first such failure.
    /// </summary>
    public TimeSpan ConnectFailureTimeout { get => _connectFailureTimeout; set => Set(ref _connectFailureTimeout, value); }

    internal HubRetryOptions Freeze()
    {
        var copy = (HubRetryOptions)MemberwiseClone();
        copy._frozen = true;
        return copy;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that cannot work.</summary>
    internal void Validate(string prefix)
    {
        OptionChecks.NotNegative(MaxRetries, prefix + nameof(MaxRetries));
        OptionChecks.RetryDelay(BaseDelay, prefix + nameof(BaseDelay));
        OptionChecks.RetryDelay(MaxDelay, prefix + nameof(MaxDelay));
        OptionChecks.NotNegative(MaxRetryAfter, prefix + nameof(MaxRetryAfter));
        OptionChecks.NotNegative(ConnectFailureTimeout, prefix + nameof(ConnectFailureTimeout));
        if (MaxDelay < BaseDelay) throw new ArgumentException($"{prefix}{nameof(MaxDelay)} ({MaxDelay}) must not be shorter than {prefix}{nameof(BaseDelay)} ({BaseDelay}).", prefix + nameof(MaxDelay));
    }

    private void Set<T>(ref T field, T value)
    {
        OptionChecks.ThrowIfFrozen(_frozen);
        field = value;
    }
}
