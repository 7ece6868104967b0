namespace HubClient.Cli.Output;

/// <summary>"4 days ago", rounded as huggingface_hub's <c>_format_timesince</c> does for <c>hf cache scan</c>.</summary>
internal static class RelativeTime
{
    private static readonly (string Unit, double Seconds, int? Max)[] Units =
    [
        ("second", 1, 60),
        ("minute", 60, 60),
        ("hour", 60 * 60, 24),
        ("day", 60 * 60 * 24, 6),
        ("week", 60 * 60 * 24 * 7, 6),
        ("month", 60 * 60 * 24 * 30, 11),
        ("year", 60 * 60 * 24 * 365, null),
    ];

    public static string Since(DateTimeOffset time, DateTimeOffset now)
    {
        double seconds = (now - time).TotalSeconds;
        if (seconds < 20) return "a few seconds ago";
        (string unit, long value) = ("year", 0);
        foreach ((string name, double length, int? max) in Units)
        {
            (unit, value) = (name, (long)Math.Round(seconds / length, MidpointRounding.ToEven));
            if (max is { } limit && value <= limit) break;
        }
        return $"{value} {unit}{(value > 1 ? "s" : "")} ago";
    }
}
