using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace HubClient.Xet;

/// <summary>
/// Collects the chunks one xorb fetch decodes for consecutive file offsets into one pooled buffer and writes them in one
/// call when the buffer is full or the next chunk goes elsewhere: a 1 GiB file is then about a thousand writes instead of
/// fifteen thousand (a write of a synchronous file handle is a hop to the thread pool). Bytes are reported written
/// (<c>rangeWritten</c>) only once they are in the file; after each batch write, every chunk committed so far is in the
/// file, and <c>flushed</c> is told so.
/// </summary>
internal sealed class XetWriteBatch : IDisposable
{
    private readonly SafeFileHandle _file;
    private readonly Action _flushed;
    private readonly WrittenRange? _rangeWritten;
    private byte[] _buffer;
    private long _offset;
    private int _length;

    /// <summary>
    /// Writes into <paramref name="file"/> through a buffer of <paramref name="capacity"/> bytes (at least one chunk's maximum,
    /// 128 KiB); <paramref name="rangeWritten"/> hears of each write, <paramref name="flushed"/> of each batch write.
    /// </summary>
    public XetWriteBatch(SafeFileHandle file, int capacity, Action flushed, WrittenRange? rangeWritten)
    {
        _file = file;
        _flushed = flushed;
        _rangeWritten = rangeWritten;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, XetChunkHeader.MaxUncompressedLength));
    }

    /// <summary>
    /// Room for the next chunk (<see cref="XetChunkHeader.MaxUncompressedLength"/> bytes), which belongs at
    /// <paramref name="fileOffset"/>; what is pending is written first when the chunk does not extend it or does not fit.
    /// </summary>
    public async ValueTask<Memory<byte>> NextAsync(long fileOffset, CancellationToken cancellationToken)
    {
        if (_length > 0 && (_offset + _length != fileOffset || _buffer.Length - _length < XetChunkHeader.MaxUncompressedLength))
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        if (_length == 0) _offset = fileOffset;
        return _buffer.AsMemory(_length, XetChunkHeader.MaxUncompressedLength);
    }

    /// <summary>The file offset just past the pending bytes (asking for it never writes).</summary>
    public long End => _offset + _length;

    /// <summary>The chunk given by <see cref="NextAsync"/> holds <paramref name="length"/> bytes.</summary>
    public void Commit(int length) => _length += length;

    /// <summary>Writes <paramref name="data"/> (a chunk a second term also uses) at <paramref name="fileOffset"/> now.</summary>
    public async ValueTask WriteNowAsync(ReadOnlyMemory<byte> data, long fileOffset, CancellationToken cancellationToken)
    {
        await WriteAsync(data, fileOffset, cancellationToken).ConfigureAwait(false);
        _rangeWritten?.Invoke(fileOffset, data.Length, data.Span);
    }

    /// <summary>Writes what is pending; then every chunk committed so far is in the file (and <c>flushed</c> hears so).</summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_length > 0)
        {
            await WriteAsync(_buffer.AsMemory(0, _length), _offset, cancellationToken).ConfigureAwait(false);
            int length = _length;
            _length = 0;
            _rangeWritten?.Invoke(_offset, length, _buffer.AsSpan(0, length));
        }
        _flushed();
    }

    /// <exception cref="LocalWriteException">The disk refused the write (full?): not a reason to ask the CAS again.</exception>
    private async ValueTask WriteAsync(ReadOnlyMemory<byte> data, long fileOffset, CancellationToken cancellationToken)
    {
        try
        {
            await RandomAccess.WriteAsync(_file, data, fileOffset, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new LocalWriteException($"Could not write the Xet partial download (disk full?): {e.Message} What was written is kept for the next attempt.", e);
        }
    }

    public void Dispose()
    {
        if (_buffer.Length > 0) ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
