using System.Security.Cryptography;
using System.Text;

namespace HubClient;

/// <summary>
/// The names huggingface_hub uses for <c>local_dir</c> downloads: the file at <c>{dir}/{path}</c>, its metadata at
/// <c>{dir}/.cache/huggingface/download/{path}.metadata</c>, its lock at <c>….download/{path}.lock</c>, and its resumable
/// partial at <c>….download/{folder}/{short hash}.{etag}.incomplete</c>, where the short hash is the URL-safe base64 of the
/// SHA-1 of the metadata file's name (huggingface_hub's <c>_local_folder.py</c>), so either client resumes the other's
/// partial. A parallel partial and its ledger sit beside it (<c>.chunked.incomplete</c>, <c>.chunks.incomplete</c>).
/// </summary>
internal sealed class LocalDirectoryLayout
{
    public LocalDirectoryLayout(string localDirectory) => Root = Path.GetFullPath(localDirectory);

    public string Root { get; }

    public string FilePath(string repoPath) => Path.Combine([Root, .. repoPath.Split('/')]);

    public string DownloadDirectory => Path.Combine(LocalDirectoryMetadata.HuggingFaceDirectory(Root), "download");

    public string LockPath(string repoPath) => Path.Combine([DownloadDirectory, .. repoPath.Split('/')]) + ".lock";

    /// <summary>The resumable single-stream partial, named as huggingface_hub names it.</summary>
    public string IncompletePath(string repoPath, string etag) => PartialStem(repoPath, etag) + RepoCacheLayout.IncompleteSuffix;

    public string ChunkedPartialPath(string repoPath, string etag) => PartialStem(repoPath, etag) + RepoCacheLayout.ChunkedPartialSuffix;

    public string LedgerPath(string repoPath, string etag) => PartialStem(repoPath, etag) + RepoCacheLayout.LedgerSuffix;

    public string UniqueTempPath(string repoPath, string etag) =>
        PartialStem(repoPath, etag) + "." + Guid.NewGuid().ToString("N")[..8] + RepoCacheLayout.IncompleteSuffix;

    /// <summary>
    /// Where the transfer of <paramref name="repoPath"/> writes and publishes. The file already in the folder is never taken
    /// as the published content (it may be another version): the destination decides that before any transfer.
    /// </summary>
    public TransferTarget TransferTarget(string repoPath, string etag) => new(
        FilePath(repoPath), IncompletePath(repoPath, etag), ChunkedPartialPath(repoPath, etag), LedgerPath(repoPath, etag), LockPath(repoPath),
        () => UniqueTempPath(repoPath, etag), () => false,
        PartialStem(repoPath, etag) + RepoCacheLayout.XetPartialSuffix, PartialStem(repoPath, etag) + RepoCacheLayout.XetLedgerSuffix);

    private string PartialStem(string repoPath, string etag)
    {
        string[] segments = repoPath.Split('/');
        string metadataName = segments[^1] + ".metadata";
#pragma warning disable CA5350 // Not security: huggingface_hub names the partial with this digest, and both clients must agree.
        string shortHash = Convert.ToBase64String(SHA1.HashData(Encoding.UTF8.GetBytes(metadataName))).Replace('+', '-').Replace('/', '_');
#pragma warning restore CA5350
        return Path.Combine([DownloadDirectory, .. segments[..^1], shortHash + "." + etag]);
    }
}
