using Microsoft.Extensions.Logging;

namespace HubClient;

/// <summary>HubClient's log messages (source-generated). URLs are logged without their query (signed CDN URLs) and never with the token.</summary>
internal static partial class HubLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "{Method} {Url} -> {Status} in {ElapsedMs:0.0} ms")]
    public static partial void Response(ILogger logger, string method, string url, int status, double elapsedMs);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Retrying {Method} {Url} (attempt {Attempt}) in {DelayMs:0} ms after {Reason}")]
    public static partial void Retrying(ILogger logger, string method, string url, int attempt, double delayMs, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Resuming {Path} at byte {Offset} of {Size}")]
    public static partial void Resuming(ILogger logger, string path, long offset, long size);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "Cache hit for {RepoId}/{Path} at {Commit}")]
    public static partial void CacheHit(ILogger logger, string repoId, string path, string commit);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Downloaded {RepoId}/{Path} ({Bytes} bytes) in {ElapsedMs:0} ms")]
    public static partial void Downloaded(ILogger logger, string repoId, string path, long bytes, double elapsedMs);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "The hub gave no usable answer for {RepoId}/{Path} (HTTP status {Status}, 0 for none); serving the cached copy ({Reason})")]
    public static partial void ServedFromCacheAfterError(ILogger logger, string repoId, string path, int status, string reason);

    [LoggerMessage(EventId = 7, Level = LogLevel.Error, Message = "Integrity check failed for {Path}: expected {Expected}, got {Actual}")]
    public static partial void IntegrityFailed(ILogger logger, string path, string expected, string actual);

    [LoggerMessage(EventId = 8, Level = LogLevel.Debug, Message = "Fetched {Path} over {Transport}")]
    public static partial void Transport(ILogger logger, string path, string transport);

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning, Message = "Xet storage could not serve {Path}; using the plain-HTTP bridge ({Reason})")]
    public static partial void XetFallback(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "The plain-HTTP bridge continues {Path} from the {Bytes} of {Size} bytes Xet storage wrote")]
    public static partial void XetHandedOver(ILogger logger, string path, long bytes, long size);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "The plain-HTTP bridge could not continue {Path} from its partial; trying Xet storage ({Reason})")]
    public static partial void BridgeFailed(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "The cache holds no file list of {RepoId}@{Commit}: returning its snapshot folder {Folder} as it is, unchecked for completeness")]
    public static partial void SnapshotUnchecked(ILogger logger, string repoId, string commit, string folder);

    [LoggerMessage(EventId = 15, Level = LogLevel.Warning, Message = "The cache does not know the commit of {RepoId}@{Revision}: returning the local directory {Folder} as it is, unchecked")]
    public static partial void LocalDirectoryUnchecked(ILogger logger, string repoId, string revision, string folder);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "The cache's copy of {Path} of {RepoId} was removed while it was being linked (a cache delete or prune?): fetching it again")]
    public static partial void BlobRemovedWhilePlaced(ILogger logger, string repoId, string path);

    [LoggerMessage(EventId = 14, Level = LogLevel.Warning, Message = "A folder stood where {Path} is written (a damaged cache?): moved aside to {Aside}")]
    public static partial void FolderMovedAside(ILogger logger, string path, string aside);
}
