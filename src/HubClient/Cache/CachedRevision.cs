namespace HubClient;

/// <summary>A cached revision: the folder <c>snapshots/{commit}/</c>, the refs that point at it and its files.</summary>
public sealed class CachedRevision
{
    internal CachedRevision(string commitHash, string snapshotPath, IReadOnlyList<string> refs, IReadOnlyList<CachedFile> files, DateTimeOffset lastModified)
    {
        CommitHash = commitHash;
        SnapshotPath = snapshotPath;
        Refs = refs;
        Files = files;
        LastModified = lastModified;
        SizeOnDisk = files.DistinctBy(f => f.BlobPath, StringComparer.Ordinal).Sum(f => f.SizeOnDisk);
    }

    /// <summary>The commit (the snapshot folder's name).</summary>
    public string CommitHash { get; }

    /// <summary>The folder <c>snapshots/{commit}</c>.</summary>
    public string SnapshotPath { get; }

    /// <summary>The refs pointing at this commit (<c>main</c>, <c>v1.0</c>, <c>refs/pr/1</c>), sorted; empty when detached.</summary>
    public IReadOnlyList<string> Refs { get; }

    /// <summary>Whether no ref points at this revision (it was downloaded by commit, or its branch moved on).</summary>
    public bool IsDetached => Refs.Count == 0;

    /// <summary>The files of the snapshot, sorted by path.</summary>
    public IReadOnlyList<CachedFile> Files { get; }

    /// <summary>The number of files.</summary>
    public int FileCount => Files.Count;

    /// <summary>Bytes of the distinct blobs this revision uses (blobs shared with other revisions count here too).</summary>
    public long SizeOnDisk { get; }

    /// <summary>The latest write time of its blobs, or of the snapshot folder when it is empty.</summary>
    public DateTimeOffset LastModified { get; }

    /// <inheritdoc />
    public override string ToString() => CommitHash;
}
