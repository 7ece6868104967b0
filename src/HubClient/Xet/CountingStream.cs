namespace HubClient.Xet;

/// <summary>
/// Reads at most <c>limit</c> bytes of a signed range from the body: asking for more is a chunk running past its range
/// (<see cref="HubProtocolException"/>); the body ending before the limit is a truncation (<see cref="EndOfStreamException"/>).
/// </summary>
internal sealed class CountingStream(Stream inner, long limit) : Stream
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

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
