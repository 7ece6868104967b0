namespace HubClient.Tests.Cache;

/// <summary>
/// Writes a shared blob store by hand, from the rules of huggingface_hub's <c>_shared_blobs.py</c> (releases after 1.28),
/// without any HubClient code: <c>{cache}/blobs/.huggingface-shared-blobs</c> holding <c>1\n</c>; payloads at
/// <c>blobs/{2 hex}/{xet hash}</c>, read-only (<c>0400</c> + g+r / o+r where the root has g+x / o+x); prefix folders with the
/// root's mode; <c>{xet hash}.refs</c> listing <c>{repo folder}/blobs/{etag}</c> lines ('/', relative to the cache root);
/// <c>{xet hash}.lock</c> (<c>0666</c>); a repo's <c>blobs/{etag}</c> a relative link <c>../../blobs/{2 hex}/{xet hash}</c>; snapshot
/// entries relative links to <c>blobs/{etag}</c>.
/// </summary>
public sealed class SharedStoreCacheBuilder
{
    public SharedStoreCacheBuilder(string cacheDirectory)
    {
        CacheDirectory = cacheDirectory;
        Directory.CreateDirectory(cacheDirectory);
        Chmod(cacheDirectory, "755");
    }

    public string CacheDirectory { get; }

    public string Store => Path.Combine(CacheDirectory, "blobs");

    public static UnixFileMode Mode(string octal) => (UnixFileMode)Convert.ToInt32(octal, 8);

    public static void Chmod(string path, string octal)
    {
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, Mode(octal));
    }

    public static string ModeOf(string path) =>
        OperatingSystem.IsWindows() ? "" : Convert.ToString((int)File.GetUnixFileMode(path), 8);

    public string Entry(string xetHash) => Path.Combine(Store, xetHash[..2], xetHash);

    public string Manifest(string xetHash) => Entry(xetHash) + ".refs";

    public string RepoBlob(string folder, string etag) => Path.Combine(CacheDirectory, folder, "blobs", etag);

    /// <summary>The marker, as the rules write it.</summary>
    public void Mark()
    {
        Directory.CreateDirectory(Store);
        Chmod(Store, "755");
        string marker = Path.Combine(Store, ".huggingface-shared-blobs");
        File.WriteAllText(marker, "1\n");
        Chmod(marker, "444");
    }

    /// <summary>A payload with its lock file, and (unless <paramref name="references"/> is null) its manifest.</summary>
    public void AddEntry(string xetHash, byte[] content, params string[]? references)
    {
        string prefix = Path.Combine(Store, xetHash[..2]);
        Directory.CreateDirectory(prefix);
        Chmod(prefix, "755");
        File.WriteAllBytes(Entry(xetHash), content);
        Chmod(Entry(xetHash), "444");
        File.WriteAllBytes(Entry(xetHash) + ".lock", []);
        Chmod(Entry(xetHash) + ".lock", "666");
        if (references is null) return;
        File.WriteAllText(Manifest(xetHash), string.Concat(references.Select(r => r + "\n")));
        Chmod(Manifest(xetHash), "666");
    }

    /// <summary>A repo blob linking into the store.</summary>
    public string LinkBlob(string folder, string etag, string xetHash)
    {
        string blob = RepoBlob(folder, etag);
        Directory.CreateDirectory(Path.GetDirectoryName(blob)!);
        File.CreateSymbolicLink(blob, $"../../blobs/{xetHash[..2]}/{xetHash}");
        return blob;
    }

    /// <summary>A regular repo blob (a file not stored in Xet).</summary>
    public string LocalBlob(string folder, string etag, byte[] content)
    {
        string blob = RepoBlob(folder, etag);
        Directory.CreateDirectory(Path.GetDirectoryName(blob)!);
        File.WriteAllBytes(blob, content);
        return blob;
    }

    /// <summary>A snapshot entry linking to <c>blobs/{etag}</c> (one more <c>../</c> per folder level).</summary>
    public string Snapshot(string folder, string commit, string repoPath, string etag)
    {
        string entry = Path.Combine([CacheDirectory, folder, "snapshots", commit, .. repoPath.Split('/')]);
        Directory.CreateDirectory(Path.GetDirectoryName(entry)!);
        File.CreateSymbolicLink(entry, string.Concat(Enumerable.Repeat("../", repoPath.Count(c => c == '/') + 2)) + "blobs/" + etag);
        return entry;
    }

    public void Ref(string folder, string name, string commit)
    {
        string path = Path.Combine([CacheDirectory, folder, "refs", .. name.Split('/')]);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, commit);
    }
}
