namespace HubClient;

/// <summary>Options for <see cref="HubApi.DownloadFileAsync"/>.</summary>
public sealed class DownloadFileOptions
{
    /// <summary>The repository type. Default <see cref="RepoType.Model"/>.</summary>
    public RepoType RepoType { get; set; } = RepoType.Model;

    /// <summary>A branch, tag or 40-hex commit. Default <c>main</c>.</summary>
    public string? Revision { get; set; }

    /// <summary>Download again even when the file is in the cache.</summary>
    public bool ForceDownload { get; set; }

    /// <summary>Never touch the network: return the cached file or throw <see cref="LocalEntryNotFoundException"/>.</summary>
    public bool LocalFilesOnly { get; set; }

    /// <summary>
    /// When set, the file is placed at <c>{LocalDirectory}/{path}</c> instead of the cache, with
    /// huggingface_hub's metadata under <c>.cache/huggingface/download</c> so the next call is a no-op.
    /// </summary>
    public string? LocalDirectory { get; set; }

    /// <summary>Receives bytes done and total while the file downloads.</summary>
    public IProgress<DownloadProgress>? Progress { get; set; }
}
