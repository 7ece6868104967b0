using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace HubClient.Tests.Cache;

/// <summary>
/// Writes a cache exactly as huggingface_hub lays it out, without HubClient: <c>blobs/{etag}</c>, relative symlinks
/// <c>../../blobs/{etag}</c> (one more <c>../</c> per folder level) under <c>snapshots/{commit}/</c>, refs without a trailing
/// newline, nested refs for <c>refs/pr/N</c>; in copy mode the files themselves in the snapshot and no blob.
/// </summary>
public sealed class PythonCacheBuilder
{
    public PythonCacheBuilder(string cacheDirectory) => CacheDirectory = cacheDirectory;

    public string CacheDirectory { get; }

#pragma warning disable CA5350 // Commit ids are git-style SHA-1 names.
    public static string Commit(string seed) => Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(seed)));
#pragma warning restore CA5350

    public static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    public string RepoDir(string folder) => Path.Combine(CacheDirectory, folder);

    /// <summary>Adds a file to a snapshot; returns the blob path (symlink mode) or the file path (copy mode).</summary>
    public string AddFile(string folder, string commit, string repoPath, byte[] content, bool copyMode = false, string? etag = null)
    {
        etag ??= Sha256(content);
        string repo = RepoDir(folder);
        string snapshotFile = Path.Combine([repo, "snapshots", commit, .. repoPath.Split('/')]);
        Directory.CreateDirectory(Path.GetDirectoryName(snapshotFile)!);
        Directory.CreateDirectory(Path.Combine(repo, "blobs"));
        if (copyMode)
        {
            File.WriteAllBytes(snapshotFile, content);
            return snapshotFile;
        }
        string blob = Path.Combine(repo, "blobs", etag);
        if (!File.Exists(blob)) File.WriteAllBytes(blob, content);
        int depth = repoPath.Count(c => c == '/');
        File.CreateSymbolicLink(snapshotFile, string.Concat(Enumerable.Repeat("../", depth + 2)) + "blobs/" + etag);
        return blob;
    }

    public void SetRef(string folder, string name, string commit)
    {
        string path = Path.Combine([RepoDir(folder), "refs", .. name.Split('/')]);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, commit);
    }

    public static byte[] Content(int size, int seed) => Bytes.Random(size, seed);

    public static DateTime Days(int daysAgo) => DateTime.UtcNow.AddDays(-daysAgo);

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A clock fixed at a given instant.</summary>
public sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
