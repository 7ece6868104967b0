using System.Collections.Concurrent;

namespace HubClient.Tests;

/// <summary>
/// A clock on which a download's idle timeout (<see cref="HubApiOptions.DownloadTimeout"/> set to <see cref="IdleTimeout"/>)
/// passes only when the test lets it: timers set to <see cref="IdleTimeout"/> are held until <see cref="PassIdle"/>; every
/// other timer, "now" and timestamps are <c>inner</c>'s. <see cref="RunAsync{T}"/> lets it pass only when every answer the
/// fake hub has in flight is stalled and the client has been waiting for bytes for a moment, so a healthy answer on a loaded
/// machine never times out, and a stall costs no more than that moment.
/// </summary>
/// <param name="inner">The clock for everything else: "now", timestamps and every other timer. Default <see cref="TimeProvider.System"/>.</param>
public sealed class StallClock(TimeProvider? inner = null) : TimeProvider
{
    private readonly TimeProvider _inner = inner ?? System;

    /// <summary>The download timeout to configure; long enough that a wait for headers (on the system's clock) never reaches it.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(7);

    /// <summary>How long the reads must stay as they are before a stall is taken for one: the client is then waiting, not reading.</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(200);

    private readonly ConcurrentDictionary<HeldTimer, byte> _held = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly ConcurrentDictionary<FakeHubRequest, byte> _stalled = new();

    /// <summary>How many stalled answers <see cref="RunAsync{T}"/> has let the idle timeout pass for.</summary>
    public int Stalls => _stalled.Count;

    public override DateTimeOffset GetUtcNow() => _inner.GetUtcNow();

    public override long GetTimestamp() => _inner.GetTimestamp();

    public override long TimestampFrequency => _inner.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => _inner.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new HeldTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Fires every idle timer now held (each read waiting for bytes), on the calling thread; returns how many.</summary>
    public int PassIdle() => _held.Keys.Count(timer => timer.TryFire());

    /// <summary>
    /// Awaits <paramref name="work"/> (a download against <paramref name="hub"/>), passing the idle timeout each time every
    /// answer in flight is stalled (<see cref="FakeHubRequest.IsStalled"/>), until the client gives the stalled answer up.
    /// </summary>
    public async Task<T> RunAsync<T>(FakeHub hub, Task<T> work)
    {
        using var done = new CancellationTokenSource();
        _ = work.ContinueWith(_ => done.Cancel(), TaskScheduler.Default);
        try
        {
            while (!work.IsCompleted)
            {
                await hub.WhenAsync(AllInFlightStalled, done.Token);
                Task over = hub.WhenAsync(requests => !requests.Any(r => r.IsStalled), done.Token);
                while (!over.IsCompleted)
                {
                    // The client may still be reading what the hub sent before it stalled: pass the timeout once a read has
                    // waited, with no other read starting or ending, for a quiet period. (A timer that fires as its read
                    // gets bytes is replaced by the next read's: pass that one too.)
                    Task changed = Volatile.Read(ref _changed).Task;
                    Task quiet = Task.Delay(Quiet, done.Token);
                    if (await Task.WhenAny(over, changed, quiet) != quiet || quiet.IsCanceled) continue;
                    // A busy machine may have bytes' continuations queued right now: let the thread pool's queue go round a
                    // few times (each hop queues behind what is already there) before taking the reads as waiting.
                    for (int hop = 0; hop < 3 && !changed.IsCompleted; hop++) await Task.Delay(1, done.Token);
                    if (changed.IsCompleted) continue;
                    // Counted per answer: the next attempt may stall before the hub has seen the client leave this one.
                    foreach (FakeHubRequest stalled in hub.Requests.Where(r => r.IsStalled)) _stalled.TryAdd(stalled, 0);
                    PassIdle();
                }
                await over;
            }
        }
        catch (OperationCanceledException) when (work.IsCompleted)
        {
        }
        return await work;
    }

    /// <inheritdoc cref="RunAsync{T}(FakeHub, Task{T})"/>
    public async Task RunAsync(FakeHub hub, Task work) => await RunAsync(hub, work.ContinueWith(t => { t.GetAwaiter().GetResult(); return 0; }, TaskScheduler.Default));

    private static bool AllInFlightStalled(IReadOnlyList<FakeHubRequest> requests) =>
        requests.Any(r => r.IsStalled) && requests.All(r => r.IsStalled || r.IsComplete);

    private void Held(HeldTimer timer, bool held)
    {
        bool changed = held ? _held.TryAdd(timer, 0) : _held.TryRemove(timer, out _);
        if (changed) Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    private sealed class HeldTimer(StallClock clock, TimerCallback callback, object? state) : ITimer
    {
        private readonly Lock _lock = new();
        private ITimer? _system;
        private bool _held;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (_lock)
            {
                _system?.Dispose();
                _system = null;
                _held = dueTime == IdleTimeout;
                clock.Held(this, _held);
                if (!_held && dueTime != Timeout.InfiniteTimeSpan) _system = clock._inner.CreateTimer(callback, state, dueTime, period);
            }
            return true;
        }

        public bool TryFire()
        {
            lock (_lock)
            {
                if (!_held) return false;
                _held = false;
                clock.Held(this, false);
            }
            callback(state);
            return true;
        }

        public void Dispose() => Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
