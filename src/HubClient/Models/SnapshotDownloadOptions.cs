namespace HubClient;

/// <summary>Options for <see cref="HubApi.DownloadSnapshotAsync"/>.</summary>
public sealed class SnapshotDownloadOptions
{
    /// <summary>The default <see cref="MaxConcurrency"/>: 8 files in flight.</summary>
    public const int DefaultMaxConcurrency = 8;

    /// <summary>The repository type. Default <see cref="RepoType.Model"/>.</summary>
    public RepoType RepoType { get; set; } = RepoType.Model;

    /// <summary>A branch, tag, <c>refs/pr/N</c> or 40-hex commit. Default <c>main</c>.</summary>
    public string? Revision { get; set; }

    /// <summary>
    /// Download only files matching at least one of these patterns (all files when null). Patterns follow huggingface_hub:
    /// fnmatch-style and case-sensitive, <c>*</c> matches across <c>/</c> (<c>"*.json"</c> selects <c>a/b/c.json</c> too),
    /// <c>?</c> one character, <c>[abc]</c> / <c>[!abc]</c> character sets; a pattern ending in <c>/</c> selects everything
    /// under that folder; <c>\</c> is read as <c>/</c>.
    /// </summary>
    public IReadOnlyList<string>? AllowPatterns { get; set; }

    /// <summary>Skip files matching any of these patterns (same syntax as <see cref="AllowPatterns"/>).</summary>
    public IReadOnlyList<string>? IgnorePatterns { get; set; }

    /// <summary>How many files download at the same time. Default 8. Large files also split into parallel ranges (<see cref="HubApiOptions.Transfer"/>).</summary>
    public int MaxConcurrency { get; set; } = DefaultMaxConcurrency;

    /// <summary>Download every selected file again even when it is in the cache.</summary>
    public bool ForceDownload { get; set; }

    /// <summary>
    /// Never touch the network: return the cached snapshot when every selected file is in it, or throw
    /// <see cref="LocalEntryNotFoundException"/> listing the missing ones.
    /// </summary>
    public bool LocalFilesOnly { get; set; }

    /// <summary>
    /// When set, files are placed at <c>{LocalDirectory}/{path}</c> instead of the cache's snapshot folder, with
    /// huggingface_hub's metadata under <c>.cache/huggingface/</c> so the next call transfers only what changed.
    /// </summary>
    public string? LocalDirectory { get; set; }

    /// <summary>
    /// Receives aggregate bytes and files done while the snapshot downloads. Reports come from several threads, one at a
    /// time; keep the handler quick.
    /// </summary>
    public IProgress<SnapshotProgress>? Progress { get; set; }

    /// <summary>
    /// Receives each file's own progress (bytes done and total, by path) as the files download, from several threads at
    /// once; a file already cached reports itself complete.
    /// </summary>
    public IProgress<DownloadProgress>? FileProgress { get; set; }
}
