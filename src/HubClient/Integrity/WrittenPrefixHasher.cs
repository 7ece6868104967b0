using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace HubClient;

/// <summary>
/// The content hash an etag names (<see cref="ContentHasher"/>: SHA-256, or git SHA-1 for a 40-hex etag) of a file whose
/// byte ranges are written out of order, in any sizes (a Xet download's terms, each written front to back by its own
/// fetch): writers report each range they wrote (<see cref="Written(long, long)"/>), and one background pass reads back and
/// hashes the file's contiguous written prefix as it grows — moments after it was written, so from the page cache. When
/// the last range lands only the unhashed tail is left, instead of the whole file (<see cref="OrderedChunkHasher"/> does
/// the same for fixed-size chunks). A range reported again below the contiguous prefix (a retried fetch, a refetched copy)
/// may have changed bytes already hashed: <see cref="FinishAsync"/> then hashes the whole file again as it finally is.
/// </summary>
internal sealed class WrittenPrefixHasher : IDisposable
{
    private const int BufferSize = 1024 * 1024;

    private readonly SafeFileHandle _file;
    private readonly long _size;
    private readonly CancellationToken _cancellationToken;
    private readonly ContentHasher _hash;
    private readonly object _lock = new();

    /// <summary>Written ranges [Start, End) not yet joined to the prefix; few (one per fetch in flight).</summary>
    private readonly List<(long Start, long End)> _islands = [];
    private long _frontier;
    private long _hashed;
    private bool _running;
    private bool _finishing;
    private bool _rewritten;
    private Task _runner = Task.CompletedTask;
    private Exception? _failure;

    /// <param name="file">The file being written, read back from.</param>
    /// <param name="size">Its final size in bytes.</param>
    /// <param name="etag">The etag naming the hash; one that is not a content hash (<see cref="ContentHasher.IsContentHash"/>) cannot be checked.</param>
    /// <param name="cancellationToken">Stops the background pass.</param>
    public WrittenPrefixHasher(SafeFileHandle file, long size, string etag, CancellationToken cancellationToken)
    {
        _file = file;
        _size = size;
        _hash = ContentHasher.For(etag, size);
        if (_hash.Algorithm is null) throw new ArgumentException($"'{etag}' names no content hash.", nameof(etag));
        _cancellationToken = cancellationToken;
    }

    /// <summary>How many bytes from the start are in the hash so far.</summary>
    public long Hashed => Volatile.Read(ref _hashed);

    /// <summary>Bytes [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="length"/>) are on disk (thread-safe).</summary>
    public void Written(long offset, long length)
    {
        if (length <= 0) return;
        long end = offset + length;
        lock (_lock)
        {
            // Below the frontier, bytes may be hashed already (or being read): the hash no longer describes the file.
            // An island is only read once joined, from disk, so writing over one again (a retried fetch) needs nothing.
            if (offset < _frontier) _rewritten = true;
            if (offset <= _frontier)
            {
                _frontier = Math.Max(_frontier, end);
            }
            else
            {
                int i = _islands.FindIndex(r => r.End == offset);
                if (i >= 0) _islands[i] = (_islands[i].Start, end);
                else _islands.Add((offset, end));
            }
            AdvanceLocked();
        }
    }

    /// <summary>
    /// As <see cref="Written(long, long)"/>; when <paramref name="bytes"/> holds the range's bytes and the range starts
    /// exactly where the hash stands, with no pass running, they are hashed here from memory instead of read back (the
    /// very buffer that was written, and whose chunk hashes were taken). Every call returns before
    /// <see cref="FinishAsync"/> or <see cref="DrainAsync"/> is called: those wait for the background pass, not for this.
    /// </summary>
    public void Written(long offset, long length, ReadOnlySpan<byte> bytes)
    {
        bool claimed = false;
        if (bytes.Length == length && length > 0)
        {
            lock (_lock)
            {
                // Not over an island either: its bytes may have landed after these, and only the disk knows.
                claimed = !_running && !_finishing && !_rewritten && offset == _hashed && _frontier == _hashed
                    && !_islands.Exists(r => r.Start < offset + length);
                if (claimed)
                {
                    // Holds off any background pass (the hash is this thread's until released), and moves the frontier
                    // now, so that a range written over this one meanwhile counts as a rewrite.
                    _running = true;
                    _frontier = offset + length;
                }
            }
        }
        if (!claimed)
        {
            Written(offset, length);
            return;
        }
        _hash.Append(bytes);
        lock (_lock)
        {
            Volatile.Write(ref _hashed, offset + length);
            _running = false;
            AdvanceLocked();
        }
    }

    /// <summary>Joins the islands the frontier reached, and starts a background pass when there is a prefix to hash (under the lock).</summary>
    private void AdvanceLocked()
    {
        for (bool joined = true; joined;)
        {
            joined = false;
            for (int i = 0; i < _islands.Count; i++)
            {
                if (_islands[i].Start > _frontier) continue;
                _frontier = Math.Max(_frontier, _islands[i].End);
                _islands.RemoveAt(i);
                joined = true;
                break;
            }
        }
        // After a rewrite the prefix is hashed again at the end anyway: no more passes until then.
        if (_running || _finishing || _rewritten || _frontier <= _hashed) return;
        _running = true;
        _runner = Task.Run(RunAsync, CancellationToken.None);
    }

    /// <summary>
    /// Hashes whatever is left once the whole file is written (whether or not every range was reported) — all of it again
    /// when a range was written twice — and returns the lowercase hex digest.
    /// </summary>
    public async Task<string> FinishAsync(CancellationToken cancellationToken)
    {
        Task runner;
        lock (_lock)
        {
            runner = _runner;
            _finishing = true; // No background pass starts again; this call hashes the rest.
        }
        await runner.ConfigureAwait(false);
        if (_failure is { } failure) throw new IOException($"Hashing the partial file failed: {failure.Message}", failure);
        if (_rewritten)
        {
            _hash.Reset();
            Volatile.Write(ref _hashed, 0);
        }
        await HashAsync(_size, cancellationToken).ConfigureAwait(false);
        return _hash.FinishHex()!;
    }

    /// <summary>Waits for the background pass to stop (cancel its token first); it never throws.</summary>
    public Task DrainAsync()
    {
        lock (_lock) return _runner;
    }

    /// <summary>Whether a range was reported again below the prefix, so that <see cref="FinishAsync"/> hashes the whole file again.</summary>
    public bool Rewritten
    {
        get
        {
            lock (_lock) return _rewritten;
        }
    }

    public void Dispose() => _hash.Dispose();

    private async Task RunAsync()
    {
        try
        {
            while (true)
            {
                long target;
                lock (_lock)
                {
                    target = _frontier;
                    if (target <= _hashed || _rewritten)
                    {
                        _running = false;
                        return;
                    }
                }
                await HashAsync(target, _cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            if (e is not OperationCanceledException || !_cancellationToken.IsCancellationRequested) _failure = e;
            lock (_lock) _running = false;
        }
    }

    /// <summary>Reads back and hashes bytes [hashed, <paramref name="end"/>) (only one caller at a time).</summary>
    private async Task HashAsync(long end, CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (_hashed < end)
            {
                int want = (int)Math.Min(BufferSize, end - _hashed);
                int read = await RandomAccess.ReadAsync(_file, buffer.AsMemory(0, want), _hashed, cancellationToken).ConfigureAwait(false);
                if (read == 0) throw new IOException($"The partial file ends at {_hashed}, before byte {end}.");
                _hash.Append(buffer.AsSpan(0, read));
                Volatile.Write(ref _hashed, _hashed + read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
