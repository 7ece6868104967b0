// Inspect and clean a hub cache without any network: scan, verify, plan a deletion, prune.
//   dotnet run --project samples/CacheAdmin                      (fills a temporary cache from the demo hub first)
//   dotnet run --project samples/CacheAdmin -- --cache-dir ~/.cache/huggingface/hub --dry-run
using HubClient;
using HubClient.Samples;

string? cacheDir = SampleHub.Option(args, "--cache-dir");
bool dryRun = cacheDir is not null || args.Contains("--dry-run");
using var temp = new TempCache();
if (cacheDir is null)
{
    // Two revisions of the demo model, so there is something to delete.
    await using SampleHub hub = SampleHub.Start(args);
    using var api = new HubApi(hub.CreateOptions(temp.Path));
    await api.DownloadSnapshotAsync(hub.RepoId);
    await api.DownloadSnapshotAsync(hub.RepoId, new SnapshotDownloadOptions { Revision = "v1.0", AllowPatterns = ["*.json"] });
    cacheDir = temp.Path;
}

HubCacheInfo scan = HubCache.Scan(cacheDir);
Console.WriteLine($"Cache {scan.CacheDirectory}: {scan.Repos.Count} repos, {scan.SizeOnDisk:N0} bytes, {scan.Warnings.Count} warnings");
foreach (CachedRepo repo in scan.Repos)
{
    Console.WriteLine($"  {repo.RepoType,-8} {repo.RepoId,-30} {repo.SizeOnDisk,12:N0} bytes  {repo.FileCount} files  refs: {string.Join(", ", repo.Refs.Keys)}");
    foreach (CachedRevision revision in repo.Revisions)
    {
        Console.WriteLine($"      {revision.CommitHash[..12]}  {revision.Files.Count} files  {revision.SizeOnDisk:N0} bytes  refs: {string.Join(", ", revision.Refs)}");
    }
}
foreach (CacheWarning warning in scan.Warnings) Console.WriteLine($"  warning: {warning}");

CacheVerifyReport report = await HubCache.VerifyAsync(cacheDir);
Console.WriteLine($"Verify: {report.BlobsVerified} blobs, {report.Corrupt.Count} corrupt, {report.Missing.Count} missing, {report.Orphaned.Count} orphaned");

// Free the space of revisions you no longer use: here, anything that is not the current `main`.
CachedRevision? oldest = scan.Repos.SelectMany(r => r.Revisions).OrderBy(r => r.Refs.Contains("main")).ThenBy(r => r.LastModified).FirstOrDefault();
if (oldest is not null)
{
    CacheDeletePlan plan = scan.DeleteRevisions(oldest.CommitHash);
    Console.WriteLine($"Deleting {oldest.CommitHash[..12]} would free {plan.ExpectedBytesFreed:N0} bytes:");
    foreach (string path in plan.Repos.Concat(plan.Snapshots).Concat(plan.Refs).Concat(plan.Blobs))
    {
        Console.WriteLine($"  - {Path.GetRelativePath(cacheDir, path)}");
    }
    if (!dryRun)
    {
        plan.Execute();
        Console.WriteLine($"Deleted. The cache now holds {HubCache.Scan(cacheDir).SizeOnDisk:N0} bytes.");
    }
}

CacheDeletePlan prune = HubCache.Scan(cacheDir).Prune();
Console.WriteLine($"Prune (stale partial downloads, detached revisions) would free {prune.ExpectedBytesFreed:N0} bytes{(dryRun ? " (dry run)" : "")}.");
if (!dryRun) prune.Execute();

// Exit 1 when the cache is not healthy (warnings, corrupt or missing blobs), so scripts and CI can tell.
bool healthy = scan.Warnings.Count == 0 && report.IsHealthy;
if (!healthy) Console.WriteLine("Cache is NOT healthy: see the warnings and verification above.");
return healthy ? 0 : 1;
