using System.Security.Cryptography;
using System.Text;

namespace HubClient.Tests.Faults;

/// <summary>
/// huggingface_hub's names for <c>local_dir</c> downloads, written out from its <c>_local_folder.py</c> (not taken from the
/// library under test): the partial of <c>{path}</c> is <c>.cache/huggingface/download/{folder}/{short hash}.{etag}.incomplete</c>,
/// the short hash being the URL-safe base64 of the SHA-1 of <c>{file name}.metadata</c>.
/// </summary>
public static class LocalDirectoryNames
{
    public static string DownloadFolder(string localDirectory) => Path.Combine(localDirectory, ".cache", "huggingface", "download");

    public static string IncompletePath(string localDirectory, string repoPath, string etag)
    {
        string[] segments = repoPath.Split('/');
#pragma warning disable CA5350 // The name format needs SHA-1.
        string shortHash = Convert.ToBase64String(SHA1.HashData(Encoding.UTF8.GetBytes(segments[^1] + ".metadata"))).Replace('+', '-').Replace('/', '_');
#pragma warning restore CA5350
        return Path.Combine([DownloadFolder(localDirectory), .. segments[..^1], shortHash + "." + etag + ".incomplete"]);
    }
}
