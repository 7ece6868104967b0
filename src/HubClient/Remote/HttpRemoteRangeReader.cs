using System.Buffers;

namespace HubClient;

/// <summary>
/// Byte ranges of one remote file version over HTTP, read through the download engine's one GET primitive
/// (<see cref="HttpRangeReader"/> in strict mode): the same retries and failure budget, redirects, refreshed signed
/// locations, stall timeout and token rules as downloads. Every answer must be a plain <c>206</c> (no
/// <c>Content-Encoding</c>) whose <c>Content-Range</c> starts at the byte asked; a size in it other than the HEAD's, or a
/// strong <c>ETag</c> other than the first answer's (sent as <c>If-Match</c> with every later range, as parallel downloads
/// do), means the file changed: <see cref="HubFileChangedException"/>.
/// </summary>
internal sealed class HttpRemoteRangeReader : IRangeReader
{
    private readonly HttpRangeReader _reader;
    private readonly string _repoPath;
    private readonly SharedLocation _location;
    private readonly RangeValidator _validator = new();

    /// <param name="http">Sends the requests.</param>
    /// <param name="repoPath">The file's path in the repository (for messages).</param>
    /// <param name="location">Where the bytes are (CDN or resolve URL), from the HEAD.</param>
    /// <param name="length">The file's size, from the HEAD.</param>
    /// <param name="commit">The commit the HEAD named.</param>
    /// <param name="freshLocation">Asks the hub again for the location when a signed one expired.</param>
    public HttpRemoteRangeReader(HubHttp http, string repoPath, Uri location, long length, string commit, Func<CancellationToken, Task<Uri>> freshLocation)
    {
        Commit = commit;
        _reader = new HttpRangeReader(http);
        _repoPath = repoPath;
        _location = new SharedLocation(location, freshLocation);
        Length = length;
    }

    public long Length { get; }

    public string? Commit { get; }

    /// <summary>The number of range reads served (for tests and diagnostics).</summary>
    public int RangeRequests { get; private set; }

    public async ValueTask ReadAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken)
    {
        RangeChecks.Validate(offset, destination.Length, Length);
        if (destination.Length == 0) return;
        var read = new RangeReadRequest(_repoPath, Length, offset + destination.Length, _location, RangeMode.Strict, _validator, KeepsPartial: false);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Min(destination.Length, 64 * 1024));
        try
        {
            await _reader.ReadAsync(read, new MemorySink(destination, offset), buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (RangeNotSupportedException e)
        {
            throw new HubProtocolException($"Reading bytes of '{_repoPath}': {e.Message} Byte ranges are needed to read part of a file.", null, e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        RangeRequests++;
    }

    public void Dispose() => _location.Dispose();

    /// <summary>Bytes <c>[offset, offset + destination.Length)</c> of the file, copied into the caller's buffer.</summary>
    private sealed class MemorySink(Memory<byte> destination, long start) : IRangeSink
    {
        private readonly long _start = start;

        public long Position { get; private set; } = start;

        public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            data.CopyTo(destination[(int)(Position - _start)..]);
            Position += data.Length;
            return ValueTask.CompletedTask;
        }

        public void Restart() => throw new InvalidOperationException("A strict read never restarts.");
    }
}
