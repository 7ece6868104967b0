namespace HubClient;

/// <summary>A snapshot entry whose blob does not exist (a dangling symlink), found by <see cref="HubCache.VerifyAsync"/>.</summary>
public sealed class MissingBlob
{
    internal MissingBlob(string snapshotPath, string? blobPath)
    {
        SnapshotPath = snapshotPath;
        BlobPath = blobPath;
    }

    /// <summary>The entry under <c>snapshots/{commit}/</c>.</summary>
    public string SnapshotPath { get; }

    /// <summary>Where it points, or null when the link cannot be read.</summary>
    public string? BlobPath { get; }

    /// <inheritdoc />
    public override string ToString() => $"{SnapshotPath} -> {BlobPath}";
}
