namespace HubClient;

/// <summary>
/// Where <see cref="HttpRangeReader"/> puts the bytes of one read: a file position that advances with every write. A sink
/// checksums or hashes what it writes, so a read that fails midway can continue right after the last byte written.
/// </summary>
internal interface IRangeSink
{
    /// <summary>The file offset of the next byte this sink expects.</summary>
    long Position { get; }

    /// <summary>Writes <paramref name="data"/> at <see cref="Position"/> and advances it.</summary>
    /// <exception cref="LocalWriteException">The disk refused the write (full, file too large).</exception>
    /// <exception cref="HubIntegrityException">The bytes cannot belong to the file (more than its size).</exception>
    ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>
    /// Drops everything written and goes back to byte 0: the server sent the whole file instead of the range asked, or the
    /// partial turned out stale. Only a <see cref="RangeMode.Lenient"/> read asks for this.
    /// </summary>
    void Restart();
}
