namespace HubClient;

/// <summary>
/// <c>hf_hub_download(local_dir=…)</c>: the file lands at <c>{dir}/{path}</c>, with huggingface_hub's metadata so that the
/// next call is a no-op. Reuses a verified copy from the cache when there is one.
/// </summary>
internal sealed class LocalDirectoryDownloader
{
    private readonly HubHttp _http;
    private readonly FileMetadataFetcher _metadata;
    private readonly SingleStreamDownloader _singleStream;
    private readonly ParallelRangeDownloader _parallel;

    public LocalDirectoryDownloader(HubHttp http, FileMetadataFetcher metadata)
    {
        _http = http;
        _metadata = metadata;
        _singleStream = new SingleStreamDownloader(http);
        _parallel = new ParallelRangeDownloader(http);
    }

    public async Task<string> DownloadAsync(
        RepoType repoType, string repoId, string revision, string path, DownloadFileOptions options, CancellationToken cancellationToken)
    {
        string localDirectory = Path.GetFullPath(options.LocalDirectory!);
        string filePath = Path.Combine([localDirectory, .. path.Split('/')]);
        LocalDirectoryMetadata? local = LocalDirectoryMetadata.Read(localDirectory, path);

        if (!options.ForceDownload && Revision.IsCommitHash(revision) && local?.CommitHash == revision && File.Exists(filePath))
        {
            return filePath;
        }
        if (_http.Options.Offline || options.LocalFilesOnly)
        {
            if (File.Exists(filePath)) return filePath;
            throw new LocalEntryNotFoundException($"'{path}' is not in {localDirectory} and the network is off (offline mode or LocalFilesOnly).", [path]);
        }

        HubFileMetadata metadata;
        try
        {
            metadata = await _metadata.GetAsync(repoType, repoId, revision, path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (CacheFileDownloader.IsCacheFallbackError(e, cancellationToken) && !options.ForceDownload && File.Exists(filePath))
        {
            return filePath;
        }

        return await PlaceAsync(repoType, repoId, localDirectory, path, metadata, options.ForceDownload, options.Progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Puts the file <paramref name="metadata"/> describes at <c>{localDirectory}/{path}</c>, verified: keeps a copy already
    /// there with the same etag (updating the metadata), copies the blob from the cache when it is there, or downloads it
    /// from <see cref="HubFileMetadata.Location"/> (which may redirect) — in parallel ranges when it is large.
    /// </summary>
    public async Task<string> PlaceAsync(
        RepoType repoType, string repoId, string localDirectory, string path, HubFileMetadata metadata, bool force,
        IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        string filePath = Path.Combine([localDirectory, .. path.Split('/')]);
        if (!force && File.Exists(filePath))
        {
            LocalDirectoryMetadata? local = LocalDirectoryMetadata.Read(localDirectory, path);
            if (local?.Etag == metadata.Etag || (local is null && await MatchesAsync(filePath, metadata, cancellationToken).ConfigureAwait(false)))
            {
                LocalDirectoryMetadata.Write(localDirectory, path, metadata.CommitHash, metadata.Etag);
                return filePath;
            }
        }

        Directory.CreateDirectory(Path.GetDirectoryName(filePath)!);
        var layout = new RepoCacheLayout(_http.Options.CacheDirectory, repoType, repoId);
        string cachedBlob = layout.BlobPath(metadata.Etag);
        string temp = AtomicFile.TempSibling(filePath, ".incomplete");
        try
        {
            if (!force && File.Exists(cachedBlob))
            {
                File.Copy(cachedBlob, temp);
            }
            else
            {
                await DownloadAsync(new BlobDownloadRequest(path, metadata.Location, metadata.Etag, metadata.Size, progress), temp, cancellationToken).ConfigureAwait(false);
            }
            File.Move(temp, filePath, overwrite: true);
        }
        finally
        {
            AtomicFile.TryDelete(temp);
        }
        LocalDirectoryMetadata.Write(localDirectory, path, metadata.CommitHash, metadata.Etag);
        return filePath;
    }

    /// <summary>Downloads to <paramref name="temp"/>: parallel ranges for a large file (not resumed: the name is unique), else one stream.</summary>
    private async Task DownloadAsync(BlobDownloadRequest request, string temp, CancellationToken cancellationToken)
    {
        if (_http.Options.Transfer.UseParallel(request.Size))
        {
            try
            {
                await _parallel.DownloadAsync(request, temp, statePath: null, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RangeNotSupportedException)
            {
                AtomicFile.TryDelete(temp);
            }
        }
        var file = new FileStream(temp, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.Asynchronous);
        await using (file.ConfigureAwait(false))
        {
            await _singleStream.DownloadAsync(request, file, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A file already in the folder without metadata is kept when it hashes to the etag (as huggingface_hub does for LFS files).</summary>
    private static async Task<bool> MatchesAsync(string filePath, HubFileMetadata metadata, CancellationToken cancellationToken)
    {
        if (!ContentHasher.IsContentHash(metadata.Etag) || new FileInfo(filePath).Length != metadata.Size) return false;
        return await BlobVerifier.HashFileAsync(filePath, metadata.Etag, cancellationToken).ConfigureAwait(false) == metadata.Etag;
    }
}
