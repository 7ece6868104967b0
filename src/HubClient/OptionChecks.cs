namespace HubClient;

/// <summary>The checks every options class applies when a <see cref="HubApi"/> is built, with messages that name the setting.</summary>
internal static class OptionChecks
{
    public static void ThrowIfFrozen(bool frozen)
    {
        if (frozen) throw new InvalidOperationException("These options belong to a HubApi and cannot change; set them before creating the client.");
    }

    public static void NotNegative(long value, string name)
    {
        if (value < 0) throw new ArgumentException($"{name} must not be negative, got {value}.", name);
    }

    public static void AtLeast(long value, long minimum, string name)
    {
        if (value < minimum) throw new ArgumentException($"{name} must be at least {minimum}, got {value}.", name);
    }

    public static void NotNegative(TimeSpan value, string name)
    {
        if (value < TimeSpan.Zero) throw new ArgumentException($"{name} must not be negative, got {value}.", name);
    }

    /// <summary>The longest finite timeout: what <c>CancelAfter</c> and <c>HttpClient.Timeout</c> accept (about 24.8 days).</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMilliseconds(int.MaxValue);

    /// <summary>A timeout: positive and at most <see cref="MaxTimeout"/>, or <see cref="Timeout.InfiniteTimeSpan"/>.</summary>
    public static void Positive(TimeSpan value, string name)
    {
        if (value == Timeout.InfiniteTimeSpan) return;
        if (value <= TimeSpan.Zero || value > MaxTimeout)
        {
            throw new ArgumentException($"{name} must be positive and at most {MaxTimeout.TotalDays:0.#} days (or Timeout.InfiniteTimeSpan for none), got {value}.", name);
        }
    }

    /// <summary>A delay the retry pipeline (Polly) accepts: from zero to one day.</summary>
    public static void RetryDelay(TimeSpan value, string name)
    {
        if (value < TimeSpan.Zero || value > TimeSpan.FromDays(1)) throw new ArgumentException($"{name} must be between zero and one day, got {value}.", name);
    }
}
