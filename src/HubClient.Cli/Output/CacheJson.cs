namespace HubClient.Cli.Output;

/// <summary>The shapes <c>hub cache scan --json</c> and <c>hub cache verify --json</c> print (camelCase, stable for scripts).</summary>
internal static class CacheJson
{
    public static ScanJson From(HubCacheInfo cache) => new(
        cache.CacheDirectory,
        cache.SizeOnDisk,
        cache.SharedBlobStoreSize,
        cache.SharedBlobStoreSavedBytes,
        cache.Repos.Select(r => new RepoJson(
            r.RepoId, GlobalOptions.RepoTypeName(r.RepoType), r.SizeOnDisk, r.FileCount, r.LastAccessed, r.LastModified, [.. r.Refs.Keys], r.RepoPath,
            r.Revisions.Select(v => new RevisionJson(v.CommitHash, [.. v.Refs], v.SizeOnDisk, v.FileCount, v.LastModified, v.SnapshotPath)).ToArray())).ToArray(),
        cache.IncompleteDownloads.Select(i => new IncompleteJson(i.FilePath, i.SizeOnDisk, i.LastModified, i.IsResumable)).ToArray(),
        cache.Warnings.Select(w => new WarningJson(w.Kind.ToString(), w.Path, w.Message)).ToArray());

    public static VerifyJson From(CacheVerifyReport report) => new(
        report.IsHealthy,
        report.BlobsVerified,
        report.BytesVerified,
        report.Corrupt.Select(c => new CorruptJson(c.BlobPath, c.Expected, c.Actual, c.Size, c.MovedTo, c.Deleted, [.. c.RemovedLinks])).ToArray(),
        report.Missing.Select(m => new MissingJson(m.SnapshotPath, m.BlobPath)).ToArray(),
        [.. report.Orphaned],
        [.. report.Unverifiable]);

    internal sealed record ScanJson(string CacheDirectory, long SizeOnDisk, long SharedBlobStoreSize, long SharedBlobStoreSavedBytes, RepoJson[] Repos, IncompleteJson[] IncompleteDownloads, WarningJson[] Warnings);

    internal sealed record RepoJson(
        string RepoId, string RepoType, long SizeOnDisk, int FileCount, DateTimeOffset LastAccessed, DateTimeOffset LastModified, string[] Refs,
        string Path, RevisionJson[] Revisions);

    internal sealed record RevisionJson(string Commit, string[] Refs, long SizeOnDisk, int FileCount, DateTimeOffset LastModified, string Path);

    internal sealed record IncompleteJson(string Path, long SizeOnDisk, DateTimeOffset LastModified, bool Resumable);

    internal sealed record WarningJson(string Kind, string Path, string Message);

    internal sealed record VerifyJson(
        bool Healthy, int BlobsVerified, long BytesVerified, CorruptJson[] Corrupt, MissingJson[] Missing, string[] Orphaned, string[] Unverifiable);

    internal sealed record CorruptJson(string Path, string Expected, string Actual, long Size, string? MovedTo, bool Deleted, string[] RemovedLinks);

    internal sealed record MissingJson(string SnapshotPath, string? BlobPath);
}
