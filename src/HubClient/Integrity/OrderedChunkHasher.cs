using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace HubClient;

/// <summary>
/// Computes a parallel download's content hash (SHA-256 or git SHA-1, as the etag names it) in file order while chunks
/// complete out of order: as soon as the chunk right after the hashed prefix is complete, one background pass reads it
/// back — moments after it was written, so from the page cache — and appends it. When the last chunk lands only the
/// unhashed tail is left, instead of the whole file. During resume validation the prefix is hashed in the same read that
/// re-checksums it (<see cref="AppendInline"/>).
/// </summary>
internal sealed class OrderedChunkHasher : IDisposable
{
    private readonly SafeFileHandle _file;
    private readonly ChunkPlan _plan;
    private readonly ContentHasher _hasher;
    private readonly int _bufferSize;
    private readonly int[] _complete;
    private readonly CancellationToken _cancellationToken;
    private TaskCompletionSource _advanced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _runner = Task.CompletedTask;
    private int _running;
    private int _next;
    private Exception? _failure;

    public OrderedChunkHasher(SafeFileHandle file, ChunkPlan plan, string etag, int bufferSize, CancellationToken cancellationToken)
    {
        _file = file;
        _plan = plan;
        _hasher = ContentHasher.For(etag, plan.Size);
        _bufferSize = bufferSize;
        _complete = new int[plan.Count];
        _cancellationToken = cancellationToken;
    }

    /// <summary>The algorithm's name for messages, or null when the etag is not a content hash (then only sizes are checked).</summary>
    public string? Algorithm => _hasher.Algorithm;

    /// <summary>The first chunk not yet hashed: everything before it is in the hash.</summary>
    public int NextChunk => Volatile.Read(ref _next);

    /// <summary>Whether the resume pass may append chunk <paramref name="index"/> as it reads it (it extends the hashed prefix).</summary>
    public bool CanAppendInline(int index) => _hasher.Algorithm is not null && Volatile.Read(ref _running) == 0 && _next == index;

    /// <summary>Appends bytes of the chunk at <see cref="NextChunk"/> read by the resume pass.</summary>
    public void AppendInline(ReadOnlySpan<byte> data) => _hasher.Append(data);

    /// <summary>The resume pass appended the whole chunk and its checksum held.</summary>
    public void CommitInline(int index)
    {
        Volatile.Write(ref _complete[index], 1);
        Volatile.Write(ref _next, index + 1);
    }

    /// <summary>
    /// The resume pass appended a chunk whose checksum failed: the hash starts over, and the background pass reads the
    /// earlier chunks again right away (connections waiting for the window depend on it moving).
    /// </summary>
    public void ResetInline()
    {
        _hasher.Reset();
        Volatile.Write(ref _next, 0);
        TryStartRunner();
    }

    /// <summary>Chunk <paramref name="index"/> is on disk and checksummed: hash it (and what follows) when its turn comes.</summary>
    public void MarkComplete(int index)
    {
        Volatile.Write(ref _complete[index], 1);
        TryStartRunner();
    }

    /// <summary>
    /// Waits until chunk <paramref name="index"/> is less than <paramref name="window"/> chunks ahead of the hashed prefix, so
    /// the read-back stays within the page cache and in-flight work stays bounded.
    /// </summary>
    public async Task WaitForWindowAsync(int index, int window, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task advanced = Volatile.Read(ref _advanced).Task;
            if (Volatile.Read(ref _failure) is { } failure) throw new IOException($"Hashing the partial file failed: {failure.Message}", failure);
            if (index < NextChunk + window) return;
            await advanced.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Hashes whatever is left once every chunk is complete and returns the lowercase hex digest (null for non-hash etags).</summary>
    public async Task<string?> FinishAsync(CancellationToken cancellationToken)
    {
        await Volatile.Read(ref _runner).ConfigureAwait(false);
        if (Volatile.Read(ref _failure) is { } failure) throw new IOException($"Hashing the partial file failed: {failure.Message}", failure);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(_bufferSize);
        try
        {
            for (int i = _next; i < _plan.Count; i++)
            {
                if (Volatile.Read(ref _complete[i]) == 0) throw new InvalidOperationException($"Chunk {i} is not complete.");
                await HashChunkAsync(i, buffer, cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref _next, i + 1);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return _hasher.FinishHex();
    }

    /// <summary>Waits for the background pass to stop (cancel its token first); it never throws.</summary>
    public Task DrainAsync() => Volatile.Read(ref _runner);

    public void Dispose() => _hasher.Dispose();

    private void TryStartRunner()
    {
        if (Interlocked.CompareExchange(ref _running, 1, 0) != 0) return;
        Volatile.Write(ref _runner, Task.Run(RunAsync, CancellationToken.None));
    }

    /// <summary>The single background pass: hashes the prefix as far as chunks are complete, then hands over.</summary>
    private async Task RunAsync()
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(_bufferSize);
        try
        {
            while (true)
            {
                while (_next < _plan.Count && Volatile.Read(ref _complete[_next]) == 1)
                {
                    await HashChunkAsync(_next, buffer, _cancellationToken).ConfigureAwait(false);
                    Volatile.Write(ref _next, _next + 1);
                    Pulse();
                }
                Volatile.Write(ref _running, 0);
                // A chunk may have completed between the last check and the hand-over: take it rather than lose the wake-up.
                if (_next < _plan.Count && Volatile.Read(ref _complete[_next]) == 1 && Interlocked.CompareExchange(ref _running, 1, 0) == 0) continue;
                return;
            }
        }
        catch (OperationCanceledException) when (_cancellationToken.IsCancellationRequested)
        {
            // The download is being cancelled; its workers report that.
        }
        catch (Exception e)
        {
            Volatile.Write(ref _failure, e);
            Pulse();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task HashChunkAsync(int index, byte[] buffer, CancellationToken cancellationToken)
    {
        if (_hasher.Algorithm is null) return;
        FileChunk chunk = _plan[index];
        long offset = chunk.Offset;
        while (offset < chunk.End)
        {
            int want = (int)Math.Min(_bufferSize, chunk.End - offset);
            int read = await RandomAccess.ReadAsync(_file, buffer.AsMemory(0, want), offset, cancellationToken).ConfigureAwait(false);
            if (read == 0) throw new IOException($"The partial file ends at {offset}, before chunk {index} does.");
            _hasher.Append(buffer.AsSpan(0, read));
            offset += read;
        }
    }

    private void Pulse() =>
        Interlocked.Exchange(ref _advanced, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
