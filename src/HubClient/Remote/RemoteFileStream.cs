namespace HubClient;

/// <summary>
/// A seekable, read-only stream over an <see cref="IRangeReader"/>: reads smaller than the read-ahead size are served
/// from one buffer filled with a single range of that size; larger reads go straight to the reader.
/// </summary>
internal sealed class RemoteFileStream : Stream
{
    private readonly IRangeReader _reader;
    private readonly int _readAhead;
    private byte[]? _buffer;
    private long _bufferStart;
    private int _bufferCount;
    private long _position;
    private bool _disposed;

    public RemoteFileStream(IRangeReader reader, int readAhead)
    {
        _reader = reader;
        _readAhead = Math.Min(readAhead, OpenReadOptions.MaxReadAheadSize);
    }

    public override bool CanRead => !_disposed;

    public override bool CanSeek => !_disposed;

    public override bool CanWrite => false;

    public override long Length
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _reader.Length;
        }
    }

    public override long Position
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _position;
        }
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ObjectDisposedException.ThrowIf(_disposed, this);
            _position = value;
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        long remaining = _reader.Length - _position;
        if (remaining <= 0 || buffer.Length == 0) return 0;
        int count = (int)Math.Min(buffer.Length, remaining);

        if (_buffer is not null && _position >= _bufferStart && _position < _bufferStart + _bufferCount)
        {
            return CopyFromBuffer(buffer.Span, count);
        }
        // The read is of the bytes at the position it started from, whatever a Seek during it (not a supported use) does.
        long start = _position;
        if (count >= _readAhead)
        {
            await _reader.ReadAsync(start, buffer[..count], cancellationToken).ConfigureAwait(false);
            _position = start + count;
            return count;
        }
        // Never larger than the file: a generous read-ahead must not cost its full size for a small file.
        _buffer ??= new byte[(int)Math.Min(_readAhead, _reader.Length)];
        _bufferCount = 0;
        int fill = (int)Math.Min(_readAhead, remaining);
        await _reader.ReadAsync(start, _buffer.AsMemory(0, fill), cancellationToken).ConfigureAwait(false);
        _bufferStart = start;
        _bufferCount = fill;
        _position = start;
        return CopyFromBuffer(buffer.Span, count);
    }

    private int CopyFromBuffer(Span<byte> destination, int count)
    {
        int offset = (int)(_position - _bufferStart);
        int n = Math.Min(count, _bufferCount - offset);
        _buffer.AsSpan(offset, n).CopyTo(destination);
        _position += n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <summary>Synchronous reads block on the network; prefer <see cref="ReadAsync(Memory{byte}, CancellationToken)"/>.</summary>
    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        long target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => Length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        if (target < 0) throw new IOException("Cannot seek before the beginning of the file.");
        Position = target;
        return target;
    }

    public override void Flush() { }

    public override void SetLength(long value) => throw new NotSupportedException("The stream is read-only.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("The stream is read-only.");

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            _reader.Dispose();
        }
        base.Dispose(disposing);
    }
}
