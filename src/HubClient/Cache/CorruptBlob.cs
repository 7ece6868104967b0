namespace HubClient;

/// <summary>A blob whose bytes do not hash to its name, found by <see cref="HubCache.VerifyAsync"/>.</summary>
public sealed class CorruptBlob
{
    internal CorruptBlob(string blobPath, string expected, string actual, long size, string? movedTo, bool deleted, IReadOnlyList<string> removedLinks)
    {
        BlobPath = blobPath;
        Expected = expected;
        Actual = actual;
        Size = size;
        MovedTo = movedTo;
        Deleted = deleted;
        RemovedLinks = removedLinks;
    }

    /// <summary>The blob, <c>{repo}/blobs/{etag}</c>.</summary>
    public string BlobPath { get; }

    /// <summary>The hash its name promises (the etag).</summary>
    public string Expected { get; }

    /// <summary>What its bytes hash to.</summary>
    public string Actual { get; }

    /// <summary>Its size in bytes.</summary>
    public long Size { get; }

    /// <summary>Where it was set aside (<see cref="CorruptBlobAction.MoveAside"/>), or null.</summary>
    public string? MovedTo { get; }

    /// <summary>Whether it was deleted (<see cref="CorruptBlobAction.Delete"/>).</summary>
    public bool Deleted { get; }

    /// <summary>The snapshot links to it that were removed with it.</summary>
    public IReadOnlyList<string> RemovedLinks { get; }

    /// <inheritdoc />
    public override string ToString() => $"{BlobPath}: expected {Expected}, got {Actual}";
}
