namespace HubClient;

/// <summary>Options for <see cref="HubCache.VerifyAsync"/>.</summary>
public sealed class CacheVerifyOptions
{
    /// <summary>Verify only this repository (<c>namespace/name</c>); null verifies the whole cache.</summary>
    public string? RepoId { get; set; }

    /// <summary>The type of <see cref="RepoId"/>. Default <see cref="RepoType.Model"/>.</summary>
    public RepoType RepoType { get; set; } = RepoType.Model;

    /// <summary>What to do with corrupt blobs. Default <see cref="CorruptBlobAction.Report"/> (read only).</summary>
    public CorruptBlobAction CorruptBlobs { get; set; } = CorruptBlobAction.Report;

    /// <summary>Receives progress while blobs are re-hashed.</summary>
    public IProgress<CacheVerifyProgress>? Progress { get; set; }
}
