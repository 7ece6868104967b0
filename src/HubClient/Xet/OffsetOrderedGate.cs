namespace HubClient.Xet;

/// <summary>
/// Lets at most <c>capacity</c> callers work at once and, when more wait, admits the one whose file offset is lowest.
/// A Xet download runs its fetches in parallel but its SHA-256 can only follow the file's contiguous written prefix: when
/// the CPU is the limit, decoding the lowest-offset chunks first keeps that prefix growing, so the hash keeps up with the
/// download instead of reading most of the file back after its last byte (measured: 0.5–0.9 s of a 1 GiB download on
/// 2 cores, with fair scheduling).
/// </summary>
internal sealed class OffsetOrderedGate(int capacity)
{
    private readonly object _lock = new();
    private readonly PriorityQueue<TaskCompletionSource, long> _waiting = new();
    private int _held;

    /// <summary>Waits for a place, which is given to the lowest waiting <paramref name="offset"/> first; release it with <see cref="Exit"/>.</summary>
    public ValueTask EnterAsync(long offset, CancellationToken cancellationToken)
    {
        TaskCompletionSource waiter;
        lock (_lock)
        {
            if (_held < capacity)
            {
                _held++;
                return ValueTask.CompletedTask;
            }
            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Enqueue(waiter, offset);
        }
        return cancellationToken.CanBeCanceled ? WaitAsync(waiter, cancellationToken) : new ValueTask(waiter.Task);
    }

    private static async ValueTask WaitAsync(TaskCompletionSource waiter, CancellationToken cancellationToken)
    {
        // A cancelled waiter stays queued; Exit skips it (its TrySetResult fails) and hands the place on.
        await using (cancellationToken.Register(() => waiter.TrySetCanceled(cancellationToken)).ConfigureAwait(false))
        {
            await waiter.Task.ConfigureAwait(false);
        }
    }

    /// <summary>Gives the place to the lowest waiting offset, or frees it.</summary>
    public void Exit()
    {
        lock (_lock)
        {
            while (_waiting.TryDequeue(out TaskCompletionSource? next, out _))
            {
                if (next.TrySetResult()) return;
            }
            _held--;
        }
    }
}
