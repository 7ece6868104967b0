using HubClient.Xet;

namespace HubClient.Tests.Xet;

public class OffsetOrderedGateTests
{
    [Fact]
    public async Task Waiters_are_admitted_lowest_offset_first_and_never_more_than_the_capacity()
    {
        var gate = new OffsetOrderedGate(2);
        await gate.EnterAsync(500, CancellationToken.None);
        await gate.EnterAsync(900, CancellationToken.None);
        Task high = gate.EnterAsync(800, CancellationToken.None).AsTask();
        Task low = gate.EnterAsync(100, CancellationToken.None).AsTask();
        Task middle = gate.EnterAsync(300, CancellationToken.None).AsTask();
        Assert.False(high.IsCompleted || low.IsCompleted || middle.IsCompleted);

        gate.Exit();
        await low;
        Assert.False(high.IsCompleted || middle.IsCompleted);
        gate.Exit();
        await middle;
        Assert.False(high.IsCompleted);
        gate.Exit();
        await high;

        gate.Exit();
        gate.Exit();
        // Both places free again: two enter at once, a third waits.
        await gate.EnterAsync(1, CancellationToken.None);
        await gate.EnterAsync(2, CancellationToken.None);
        Assert.False(gate.EnterAsync(3, CancellationToken.None).AsTask().IsCompleted);
    }

    [Fact]
    public async Task A_cancelled_waiter_gives_up_and_its_turn_passes_to_the_next()
    {
        var gate = new OffsetOrderedGate(1);
        await gate.EnterAsync(0, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        Task cancelled = gate.EnterAsync(10, cancel.Token).AsTask();
        Task next = gate.EnterAsync(20, CancellationToken.None).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);

        gate.Exit();
        await next;
        Assert.False(gate.EnterAsync(30, CancellationToken.None).AsTask().IsCompleted);
    }
}
