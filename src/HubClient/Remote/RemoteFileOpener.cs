namespace HubClient;

/// <summary>
/// Opens a file of a repository for range reads: one HEAD (size, etag, location), then the cached blob when it is there
/// at the expected size, else HTTP ranges. Offline, or when the hub cannot be reached, the cached copy is used if there
/// is one (as downloads do).
/// </summary>
internal sealed class RemoteFileOpener
{
    private readonly HubHttp _http;
    private readonly FileMetadataFetcher _metadata;

    public RemoteFileOpener(HubHttp http, FileMetadataFetcher metadata)
    {
        _http = http;
        _metadata = metadata;
    }

    public async Task<IRangeReader> OpenAsync(RepoType repoType, string repoId, string revision, string path, CancellationToken cancellationToken)
    {
        var layout = new RepoCacheLayout(_http.Options.CacheDirectory, repoType, repoId);
        var destination = new CacheDestination(layout, _http.Options.DisableSymlinks);
        // A commit's files never change: a cached one is read with no request, as a download of it answers.
        if (Revision.IsCommitHash(revision) && destination.FindPinned(revision, path) is { } pinned) return new FileRangeReader(pinned, revision);
        var resolver = new DownloadResolver(_http);
        (string? held, HubFileMetadata? resolved) = await resolver.ResolveAsync<(string?, HubFileMetadata?)>(
            localFilesOnly: false, force: false,
            async ct => (null, await _metadata.GetAsync(repoType, repoId, revision, path, ct).ConfigureAwait(false)),
            (cause, mayUseHeld) => (resolver.HeldOrThrow(destination, repoId, revision, path, cause, mayUseHeld), null),
            cancellationToken).ConfigureAwait(false);
        if (held is not null) return new FileRangeReader(held);
        HubFileMetadata metadata = resolved!;

        if (EntryPresence.IsPresent(layout.BlobPath(metadata.Etag), metadata.Size)) return new FileRangeReader(layout.BlobPath(metadata.Etag), metadata.CommitHash);
        // Copy mode (no symlinks) keeps the file in the snapshot, not in blobs/.
        string entry = layout.SnapshotPath(metadata.CommitHash, path);
        if (EntryPresence.IsPresent(entry, metadata.Size)) return new FileRangeReader(entry, metadata.CommitHash);

        // Seam for Xet: when metadata.XetHash is set, a reader over Xet reconstruction terms belongs here. Until then the
        // hub's location (its CDN redirect, content-addressed, or a resolve URL) serves the same bytes over HTTP ranges.
        // A location on the hub itself is a resolve URL on a branch (the one asked for, or a renamed repo's new name), which
        // would serve a newer version mid-read if the branch moved (same size, other bytes): the reads go to the resolve
        // URL at the commit the HEAD named instead, and the hub redirects them as it did the HEAD.
        Uri location = _http.IsEndpointHost(metadata.Location) ? _http.ResolveUri(repoType, repoId, metadata.CommitHash, path) : metadata.Location;
        return new HttpRemoteRangeReader(_http, path, location, metadata.Size, metadata.CommitHash, async token =>
        {
            HubFileMetadata fresh = await _metadata.GetAsync(repoType, repoId, metadata.CommitHash, path, token).ConfigureAwait(false);
            if (fresh.Etag != metadata.Etag || fresh.Size != metadata.Size)
            {
                throw new HubFileChangedException($"'{path}' changed on the server while it was read (etag {fresh.Etag}, was {metadata.Etag}).", path, fresh.Location);
            }
            return fresh.Location;
        });
    }
}
