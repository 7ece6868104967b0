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

    /// <summary>A timeout: positive, or <see cref="Timeout.InfiniteTimeSpan"/>.</summary>
    public static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero && value != Timeout.InfiniteTimeSpan) throw new ArgumentException($"{name} must be positive (or Timeout.InfiniteTimeSpan), got {value}.", name);
    }
}
