namespace HubClient.Xet;

/// <summary>
/// Reads at most <c>limit</c> bytes of a signed range from the body: asking for more is a chunk running past its range
/// (<see cref="HubProtocolException"/>); the body ending before the limit is a truncation (<see cref="EndOfStreamException"/>).
/// </summary>
internal sealed class CountingStream(Stream inner, long limit) : ReadOnlyStream
{
    public long Remaining { get; private set; } = limit;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length == 0) return 0;
        if (Remaining == 0) throw new HubProtocolException("A xorb chunk runs past the end of its signed range.", null);
        int n = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, Remaining)], cancellationToken).ConfigureAwait(false);
        if (n == 0) throw new EndOfStreamException($"The xorb answer ended {Remaining} bytes before the end of its range.");
        Remaining -= n;
        return n;
    }

    /// <summary>Reads and discards what is left of the range (chunks after the last one a term needs).</summary>
    public async Task SkipRestAsync(CancellationToken cancellationToken)
    {
        byte[] scratch = new byte[16 * 1024];
        while (Remaining > 0) await ReadAsync(scratch, cancellationToken).ConfigureAwait(false);
    }
}
