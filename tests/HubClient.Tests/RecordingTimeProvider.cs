using System.Collections.Concurrent;

namespace HubClient.Tests;

/// <summary>
/// A clock whose timers fire at once and remember the delays asked for, so retry waits cost no test time; its "now" is
/// fixed (<see cref="Now"/>), so a wait computed from a date is exact.
/// </summary>
public sealed class RecordingTimeProvider : TimeProvider
{
    /// <summary>What <see cref="GetUtcNow"/> answers: a whole second, as HTTP dates are.</summary>
    public static readonly DateTimeOffset Now = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);

    private readonly ConcurrentQueue<TimeSpan> _delays = new();

    public IReadOnlyCollection<TimeSpan> Delays => _delays;

    public override DateTimeOffset GetUtcNow() => Now;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime == Timeout.InfiniteTimeSpan) return System.CreateTimer(callback, state, dueTime, period);
        _delays.Enqueue(dueTime);
        return System.CreateTimer(callback, state, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }
}
