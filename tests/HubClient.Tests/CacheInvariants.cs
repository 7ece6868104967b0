using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace HubClient.Tests;

/// <summary>
/// Properties every test that touches a cache checks afterwards, computed independently of the library's own hashing:
/// a published blob always hashes to its name; a snapshot entry always leads to such a blob.
/// </summary>
public static class CacheInvariants
{
    /// <summary>Every file in any <c>blobs/</c> that is not a partial download (or its sidecar) hashes to its name.</summary>
    public static void AssertNoUnverifiedBlob(string cacheDirectory)
    {
        foreach (string blob in PublishedBlobs(cacheDirectory))
        {
            string name = Path.GetFileName(blob);
            Assert.True(name.Length is 40 or 64, $"Blob '{blob}' is not named by a SHA-256 or git SHA-1.");
            Assert.True(HashOf(blob, name) == name, $"Blob '{blob}' does not hash to its name.");
        }
    }

    /// <summary>
    /// Every snapshot entry is a regular file, or a symlink to a blob of its repo that hashes to its name; that blob is a
    /// regular file or (huggingface_hub's shared store) a link to <c>{cache}/blobs/{2 hex}/{64 hex}</c>.
    /// </summary>
    public static void AssertSnapshotsVerified(string cacheDirectory)
    {
        foreach (string snapshots in Directory.Exists(cacheDirectory) ? Directory.GetDirectories(cacheDirectory, "snapshots", SearchOption.AllDirectories) : [])
        {
            foreach (string entry in Directory.EnumerateFileSystemEntries(snapshots, "*", SearchOption.AllDirectories))
            {
                var info = new FileInfo(entry);
                if (info.LinkTarget is null) continue;
                FileSystemInfo? blob = info.ResolveLinkTarget(returnFinalTarget: false);
                Assert.True(blob is { Exists: true }, $"Snapshot entry '{entry}' is a dangling link.");
                string blobs = Path.Combine(Path.GetDirectoryName(snapshots)!, "blobs");
                Assert.Equal(Path.GetFullPath(blobs), Path.GetDirectoryName(blob!.FullName));
                if (blob.LinkTarget is not null)
                {
                    FileSystemInfo payload = blob.ResolveLinkTarget(returnFinalTarget: true)!;
                    Assert.Matches("^[0-9a-f]{64}$", payload.Name);
                    Assert.Equal(Path.Combine(Path.GetFullPath(cacheDirectory), "blobs", payload.Name[..2]), Path.GetDirectoryName(payload.FullName));
                    Assert.Null(payload.LinkTarget);
                }
                Assert.True(HashOf(blob.FullName, blob.Name) == blob.Name, $"'{entry}' leads to a blob that does not hash to its name.");
            }
        }
    }

    public static void AssertNoIncomplete(string cacheDirectory)
    {
        string[] left = Directory.Exists(cacheDirectory)
            ? Directory.GetFiles(cacheDirectory, "*.incomplete*", SearchOption.AllDirectories)
            : [];
        Assert.True(left.Length == 0, "Partial files left: " + string.Join(", ", left));
    }

    /// <summary>Files in <c>*/blobs/</c> that are neither partial downloads, their sidecars nor set-aside blobs.</summary>
    public static IEnumerable<string> PublishedBlobs(string cacheDirectory) =>
        !Directory.Exists(cacheDirectory) ? [] :
        Directory.GetDirectories(cacheDirectory)
            .Select(repo => Path.Combine(repo, "blobs"))
            .Where(Directory.Exists)
            .SelectMany(Directory.GetFiles)
            .Where(f => !Path.GetFileName(f).Contains(".incomplete", StringComparison.Ordinal) && !Path.GetFileName(f).Contains(".corrupt-", StringComparison.Ordinal));

    /// <summary>SHA-256 for 64-hex names, git blob SHA-1 for 40-hex names.</summary>
    public static string HashOf(string path, string name)
    {
        byte[] content = File.ReadAllBytes(path);
        if (name.Length == 64) return Convert.ToHexStringLower(SHA256.HashData(content));
        byte[] header = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"blob {content.Length}\0"));
#pragma warning disable CA5350 // git names blobs by SHA-1.
        return Convert.ToHexStringLower(SHA1.HashData([.. header, .. content]));
#pragma warning restore CA5350
    }

    /// <summary>Whether anything (a dangling symlink included) exists at <paramref name="path"/>.</summary>
    public static bool EntryExists(string path) =>
        File.Exists(path) || Directory.Exists(path) || new FileInfo(path).LinkTarget is not null;
}
