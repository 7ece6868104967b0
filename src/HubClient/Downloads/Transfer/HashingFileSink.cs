using System.Globalization;

namespace HubClient;

/// <summary>
/// The sink of a single-stream download: appends to the partial file and feeds the content hash in the same pass, reporting
/// progress. A body longer than the file empties the partial (those bytes cannot be trusted) and throws.
/// </summary>
internal sealed class HashingFileSink : IRangeSink
{
    private readonly FileStream _file;
    private readonly ContentHasher _hasher;
    private readonly TransferRequest _request;

    public HashingFileSink(FileStream file, ContentHasher hasher, TransferRequest request)
    {
        _file = file;
        _hasher = hasher;
        _request = request;
    }

    public long Position => _file.Position;

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        long position = _file.Position;
        if (position + data.Length > _request.Size)
        {
            _file.SetLength(0);
            throw new HubIntegrityException(
                $"The server sent more than the {_request.Size} bytes announced for '{_request.RepoPath}'.",
                _request.RepoPath, _request.Size.ToString(CultureInfo.InvariantCulture), "more");
        }
        try
        {
            await _file.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ArgumentOutOfRangeException)
        {
            // .NET reports EFBIG (a file-size limit: FAT32's 4 GiB, RLIMIT_FSIZE) as ArgumentOutOfRangeException.
            throw new LocalWriteException($"Could not write '{_file.Name}' (disk full?): {e.Message} The partial download is kept for the next attempt.", e);
        }
        _hasher.Append(data.Span);
        _request.Progress?.Report(new DownloadProgress(_request.RepoPath, position + data.Length, _request.Size));
    }

    public void Restart()
    {
        _file.SetLength(0);
        _file.Position = 0;
        _hasher.Reset();
    }
}
