namespace HubClient.Tests.Hostile;

/// <summary>
/// A response body under a test's control: read-only, forward-only, counting what it served. Subclasses say what the next
/// read gets.
/// </summary>
internal abstract class ScriptedBody : Stream
{
    private long _served;

    public long Served => Interlocked.Read(ref _served);

    public abstract override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);

    protected void Count(int n) => Interlocked.Add(ref _served, n);

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => Served; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>A body that sends <paramref name="head"/> and then nothing, ever (until the reader cancels).</summary>
internal sealed class SilentAfterStream(byte[] head) : ScriptedBody
{
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Served < head.Length)
        {
            int n = (int)Math.Min(buffer.Length, head.Length - Served);
            head.AsMemory((int)Served, n).CopyTo(buffer);
            Count(n);
            return n;
        }
        await Task.Delay(Timeout.Infinite, cancellationToken);
        return 0;
    }
}

/// <summary>A body of <paramref name="length"/> bytes of <paramref name="fill"/>.</summary>
internal sealed class CountingStream(long length, byte fill = (byte)'a') : ScriptedBody
{
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n = (int)Math.Min(buffer.Length, length - Served);
        if (n <= 0) return ValueTask.FromResult(0);
        buffer.Span[..n].Fill(fill);
        Count(n);
        return ValueTask.FromResult(n);
    }
}

/// <summary>A body that never ends: <paramref name="head"/>, then <paramref name="filler"/> forever (a little at a time).</summary>
internal sealed class EndlessStream(byte[] head, byte[] filler) : ScriptedBody
{
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        cancellationToken.ThrowIfCancellationRequested();
        int n = Math.Min(buffer.Length, 64 * 1024);
        long position = Served;
        for (int i = 0; i < n; i++, position++)
        {
            buffer.Span[i] = position < head.Length ? head[position] : filler[(position - head.Length) % filler.Length];
        }
        Count(n);
        return n;
    }
}

/// <summary>
/// A body that sends <paramref name="head"/>, then ends early the way SocketsHttpHandler reports a connection closed
/// mid-body: <see cref="HttpIOException"/> with <see cref="HttpRequestError.ResponseEnded"/>.
/// </summary>
internal sealed class CutStream(byte[] head) : ScriptedBody
{
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Served >= head.Length) throw new HttpIOException(HttpRequestError.ResponseEnded, "The response ended prematurely.");
        int n = (int)Math.Min(buffer.Length, head.Length - Served);
        head.AsMemory((int)Served, n).CopyTo(buffer);
        Count(n);
        return ValueTask.FromResult(n);
    }
}
