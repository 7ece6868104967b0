namespace HubClient;

/// <summary>What <see cref="HubCache.VerifyAsync"/> found.</summary>
public sealed class CacheVerifyReport
{
    internal CacheVerifyReport(
        int blobsVerified, long bytesVerified, IReadOnlyList<CorruptBlob> corrupt, IReadOnlyList<MissingBlob> missing,
        IReadOnlyList<string> orphaned, IReadOnlyList<string> unverifiable)
    {
        BlobsVerified = blobsVerified;
        BytesVerified = bytesVerified;
        Corrupt = corrupt;
        Missing = missing;
        Orphaned = orphaned;
        Unverifiable = unverifiable;
    }

    /// <summary>Blobs re-hashed (corrupt ones included).</summary>
    public int BlobsVerified { get; }

    /// <summary>Bytes re-hashed.</summary>
    public long BytesVerified { get; }

    /// <summary>Blobs whose bytes do not hash to their name.</summary>
    public IReadOnlyList<CorruptBlob> Corrupt { get; }

    /// <summary>Snapshot entries pointing at a blob that does not exist.</summary>
    public IReadOnlyList<MissingBlob> Missing { get; }

    /// <summary>Blobs no snapshot entry links to (harmless; a later download of the same content reuses them).</summary>
    public IReadOnlyList<string> Orphaned { get; }

    /// <summary>
    /// Files whose content has no hash to check against: blobs named by an etag that is not a SHA-256 or git SHA-1, and
    /// snapshot files in copy mode (which are not named by their hash).
    /// </summary>
    public IReadOnlyList<string> Unverifiable { get; }

    /// <summary>Whether nothing is corrupt or missing.</summary>
    public bool IsHealthy => Corrupt.Count == 0 && Missing.Count == 0;
}
