using Microsoft.Win32.SafeHandles;

namespace HubClient;

/// <summary>Reads ranges of a file already in the cache (positional reads, no shared file position).</summary>
internal sealed class FileRangeReader : IRangeReader
{
    private readonly SafeFileHandle _handle;

    public FileRangeReader(string path, string? commit = null)
    {
        Commit = commit;
        _handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, FileOptions.Asynchronous);
        Length = RandomAccess.GetLength(_handle);
    }

    public long Length { get; }

    public string? Commit { get; }

    public async ValueTask ReadAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken)
    {
        RangeChecks.Validate(offset, destination.Length, Length);
        while (destination.Length > 0)
        {
            int read = await RandomAccess.ReadAsync(_handle, destination, offset, cancellationToken).ConfigureAwait(false);
            if (read == 0) throw new IOException($"The cached file ended at byte {offset}, before its size {Length}.");
            offset += read;
            destination = destination[read..];
        }
    }

    public void Dispose() => _handle.Dispose();
}
