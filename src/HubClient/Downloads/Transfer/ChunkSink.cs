using System.IO.Hashing;
using Microsoft.Win32.SafeHandles;

namespace HubClient;

/// <summary>
/// The sink of one chunk of a parallel download: writes at the chunk's offsets in the preallocated partial and checksums
/// the bytes with XxHash3 for the resume ledger. A chunk an earlier run left part-way continues after its first bytes, with
/// the checksum state that has seen them.
/// </summary>
internal sealed class ChunkSink : IRangeSink
{
    private readonly SafeFileHandle _file;
    private readonly string _repoPath;
    private readonly ByteProgress _progress;
    private readonly XxHash3 _checksum;

    /// <summary>
    /// A sink writing <paramref name="chunk"/> into <paramref name="file"/>; <paramref name="resumed"/> is the checksum state
    /// of the chunk's first bytes already on disk and how many they are (null: from the start).
    /// </summary>
    public ChunkSink(SafeFileHandle file, FileChunk chunk, string repoPath, ByteProgress progress, (XxHash3 Checksum, long Length)? resumed = null)
    {
        _file = file;
        _repoPath = repoPath;
        _progress = progress;
        _checksum = resumed?.Checksum ?? new XxHash3();
        Start = chunk.Offset;
        Position = chunk.Offset + (resumed?.Length ?? 0);
    }

    /// <summary>The chunk's first byte in the file.</summary>
    public long Start { get; }

    public long Position { get; private set; }

    /// <summary>The XxHash3 of the bytes written so far.</summary>
    public ulong Checksum => _checksum.GetCurrentHashAsUInt64();

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        try
        {
            await RandomAccess.WriteAsync(_file, data, Position, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new LocalWriteException($"Could not write the partial download of '{_repoPath}' (disk full?): {e.Message} Completed chunks are kept for the next attempt.", e);
        }
        _checksum.Append(data.Span);
        Position += data.Length;
        _progress.Add(data.Length);
    }

    public void Restart() => throw new InvalidOperationException("A chunk is read in strict mode: it never restarts.");
}
