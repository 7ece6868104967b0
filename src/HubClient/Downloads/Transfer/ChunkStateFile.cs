namespace HubClient;

/// <summary>
/// The durable sidecar of a parallel download (<c>blobs/{etag}.chunks.incomplete</c> next to the partial
/// <c>blobs/{etag}.chunked.incomplete</c>). Every save writes a temp file and renames it over the sidecar, so a process
/// killed at any moment leaves either the previous or the new state, never a torn one. Saves requested while one is
/// running are coalesced into the next. No fsync: after a power loss the rerun re-checksums every chunk the sidecar
/// lists, and the whole file's SHA-256 is checked before publishing anyway.
/// </summary>
internal sealed class ChunkStateFile : IDisposable
{
    private readonly SemaphoreSlim _saving = new(1, 1);
    private long _savedVersion = -1;

    public ChunkStateFile(string path) => Path = path;

    public string Path { get; }

    /// <summary>The sidecar's state when it exists and describes this download; otherwise null.</summary>
    public ChunkState? TryLoad(string etag, ChunkPlan plan)
    {
        byte[] json;
        try
        {
            json = File.ReadAllBytes(Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        return ChunkState.Deserialize(json, etag, plan);
    }

    /// <summary>Writes <paramref name="state"/> unless a save since its last change already did.</summary>
    public async Task SaveAsync(ChunkState state, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _savedVersion) >= state.Version) return;
        await _saving.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_savedVersion >= state.Version) return; // Someone saved our change while we waited.
            (byte[] json, long version) = state.Serialize();
            Write(json);
            Volatile.Write(ref _savedVersion, version);
        }
        finally
        {
            _saving.Release();
        }
    }

    public void Delete() => AtomicFile.TryDelete(Path);

    public void Dispose() => _saving.Dispose();

    private void Write(byte[] json)
    {
        string temp = AtomicFile.TempSibling(Path);
        try
        {
            File.WriteAllBytes(temp, json);
            File.Move(temp, Path, overwrite: true);
        }
        catch (IOException e)
        {
            throw new LocalWriteException($"Could not write the download state '{Path}' (disk full?): {e.Message}", e);
        }
        finally
        {
            AtomicFile.TryDelete(temp);
        }
    }
}
