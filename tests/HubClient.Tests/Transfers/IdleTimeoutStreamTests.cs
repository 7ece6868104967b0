namespace HubClient.Tests.Transfers;

/// <summary>The stall limit every response body is read through (plain HTTP ranges and xorbs alike).</summary>
public sealed class IdleTimeoutStreamTests
{
    private readonly StallClock _clock = new();

    [Fact]
    public async Task A_read_waiting_past_the_timeout_is_a_timeout_that_names_what_was_awaited()
    {
        using var body = new IdleTimeoutStream(new ConnectionBody(onRead: _ => { }), StallClock.IdleTimeout, _clock, "bytes of 'model.bin'");
        ValueTask<int> read = body.ReadAsync(new byte[16]);
        Assert.Equal(1, _clock.PassIdle());
        TimeoutException e = await Assert.ThrowsAsync<TimeoutException>(async () => await read);
        Assert.Equal("No bytes of 'model.bin' for 420 s.", e.Message);
    }

    [Fact]
    public async Task The_time_between_two_reads_does_not_count()
    {
        var connection = new ConnectionBody(onRead: c => c.Answer(4));
        using var body = new IdleTimeoutStream(connection, StallClock.IdleTimeout, _clock, "xorb bytes");
        Assert.Equal(4, await body.ReadAsync(new byte[16]));
        Assert.Equal(0, _clock.PassIdle()); // the caller is busy with the bytes: no read is waiting
        Assert.Equal(4, await body.ReadAsync(new byte[16]));
        Assert.False(connection.TornDown);
    }

    [Fact]
    public async Task A_timeout_that_fires_as_bytes_arrive_is_a_timeout_on_the_next_read_not_the_torn_connection_s_error()
    {
        // HttpClient tears the connection down when a read is cancelled; bytes that had arrived still complete that read,
        // and the next read finds the connection disposed. The transfers retry a timeout; an ObjectDisposedException failed them.
        int reads = 0;
        var connection = new ConnectionBody(onRead: c =>
        {
            c.Answer(8);
            if (++reads == 1) _clock.PassIdle();
        });
        using var body = new IdleTimeoutStream(connection, StallClock.IdleTimeout, _clock, "xorb bytes");
        Assert.Equal(8, await body.ReadAsync(new byte[16]));
        Assert.True(connection.TornDown);
        await Assert.ThrowsAsync<TimeoutException>(() => body.ReadAsync(new byte[16]).AsTask());
    }

    [Fact]
    public async Task The_caller_s_cancellation_stays_a_cancellation()
    {
        using var cancel = new CancellationTokenSource();
        using var body = new IdleTimeoutStream(new ConnectionBody(onRead: _ => { }), StallClock.IdleTimeout, _clock, "xorb bytes");
        ValueTask<int> read = body.ReadAsync(new byte[16], cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await read);
    }

    [Fact]
    public async Task The_array_overload_keeps_the_caller_s_cancellation()
    {
        using var cancel = new CancellationTokenSource();
        using var body = new IdleTimeoutStream(new ConnectionBody(onRead: _ => { }), StallClock.IdleTimeout, _clock, "xorb bytes");
        Task<int> read = body.ReadAsync(new byte[16], 0, 16, cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read).WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>
    /// A response body that behaves as HttpClient's does: a read waits until <c>onRead</c> answers it; cancelling a read in
    /// progress tears the connection down, after which every read throws <see cref="ObjectDisposedException"/>.
    /// </summary>
    private sealed class ConnectionBody(Action<ConnectionBody> onRead) : ReadOnlyStream
    {
        private TaskCompletionSource<int>? _pending;

        public bool TornDown { get; private set; }

        public void Answer(int bytes) => _pending!.TrySetResult(bytes);

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            ObjectDisposedException.ThrowIf(TornDown, "System.Net.Sockets.NetworkStream");
            _pending = new TaskCompletionSource<int>();
            TaskCompletionSource<int> pending = _pending;
            using CancellationTokenRegistration registration = cancellationToken.Register(() =>
            {
                TornDown = true;
                pending.TrySetCanceled(cancellationToken);
            });
            onRead(this);
            return await pending.Task;
        }
    }
}
