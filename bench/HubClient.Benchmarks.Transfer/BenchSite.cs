using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace HubClient.Benchmarks.Transfer;

/// <summary>
/// The data a benchmark run serves, laid out on disk the way a static server can answer hub requests:
/// <c>cdn/{sha256}</c> (the large LFS file), <c>small/{path}</c> (a repo of small regular files) and the JSON answers of
/// the revision and tree endpoints under <c>api/</c>.
/// </summary>
internal sealed class BenchSite
{
    public const string BigRepo = "acme/big";
    public const string BigFile = "model.safetensors";
    public const string SmallRepo = "acme/small";

    private BenchSite(string root) => Root = root;

    public string Root { get; }

    public string BigCommit { get; private set; } = "";

    public string SmallCommit { get; private set; } = "";

    public long BigSize { get; private set; }

    public string BigSha256 { get; private set; } = "";

    public string BigGitSha1 { get; private set; } = "";

    /// <summary>Small files: path in the repo and git blob SHA-1.</summary>
    public IReadOnlyList<(string Path, string Sha1, long Size)> SmallFiles { get; private set; } = [];

    public string BigPath => Path.Combine(Root, "cdn", BigSha256);

    public string SmallPath(string repoPath) => Path.Combine([Root, "small", .. repoPath.Split('/')]);

    public string RevisionJsonPath => Path.Combine(Root, "api", "small-revision.json");

    public string TreeJsonPath => Path.Combine(Root, "api", "small-tree.json");

    public string ManifestPath => Path.Combine(Root, "api", "site.txt");

    public static BenchSite Create(string root, long bigSize, int smallCount)
    {
        var site = new BenchSite(root);
        site.Generate(bigSize, smallCount);
        File.WriteAllLines(site.ManifestPath,
        [
            site.BigCommit, site.BigSha256, site.BigGitSha1, site.BigSize.ToString(CultureInfo.InvariantCulture), site.SmallCommit,
            .. site.SmallFiles.Select(f => f.Path + " " + f.Sha1 + " " + f.Size.ToString(CultureInfo.InvariantCulture)),
        ]);
        return site;
    }

    /// <summary>Reads a site another process generated (the Kestrel fallback server runs in its own process).</summary>
    public static BenchSite Load(string root)
    {
        var site = new BenchSite(root);
        string[] lines = File.ReadAllLines(site.ManifestPath);
        site.BigCommit = lines[0];
        site.BigSha256 = lines[1];
        site.BigGitSha1 = lines[2];
        site.BigSize = long.Parse(lines[3], CultureInfo.InvariantCulture);
        site.SmallCommit = lines[4];
        site.SmallFiles = lines[5..].Select(l => l.Split(' ')).Select(p => (p[0], p[1], long.Parse(p[2], CultureInfo.InvariantCulture))).ToList();
        return site;
    }

    private void Generate(long bigSize, int smallCount)
    {
        Directory.CreateDirectory(Path.Combine(Root, "cdn"));
        Directory.CreateDirectory(Path.Combine(Root, "api"));
        BigSize = bigSize;
        BigCommit = Hex(SHA1.HashData(Encoding.UTF8.GetBytes("big-commit")));
        SmallCommit = Hex(SHA1.HashData(Encoding.UTF8.GetBytes("small-commit")));

        (BigSha256, BigGitSha1) = WriteRandomFile(bigSize, seed: 42);

        // The small-file repo: folders of 100 files, 512 B to 8 KiB each.
        var files = new List<(string, string, long)>(smallCount);
        var rng = new Random(7);
        for (int i = 0; i < smallCount; i++)
        {
            string repoPath = string.Create(CultureInfo.InvariantCulture, $"shard-{i / 100:00}/file-{i:0000}.bin");
            byte[] content = new byte[rng.Next(512, 8193)];
            rng.NextBytes(content);
            string path = SmallPath(repoPath);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, content);
            files.Add((repoPath, GitBlobSha1(content), content.Length));
        }
        SmallFiles = files;
        WriteApiJson();
    }

    /// <summary>Writes <paramref name="size"/> random bytes to <c>cdn/{sha256}</c>, hashing them on the way; returns SHA-256 and git SHA-1.</summary>
    private (string Sha256, string GitSha1) WriteRandomFile(long size, int seed)
    {
        string temp = Path.Combine(Root, "cdn", "generating");
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        sha1.AppendData(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"blob {size}\0")));
        var random = new Random(seed);
        byte[] buffer = new byte[4 * 1024 * 1024];
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1))
        {
            file.SetLength(size);
            for (long done = 0; done < size;)
            {
                int n = (int)Math.Min(buffer.Length, size - done);
                random.NextBytes(buffer.AsSpan(0, n));
                MakeCompressible(buffer.AsSpan(0, n));
                file.Write(buffer, 0, n);
                sha256.AppendData(buffer, 0, n);
                sha1.AppendData(buffer, 0, n);
                done += n;
            }
        }
        string hex = Hex(sha256.GetHashAndReset());
        File.Move(temp, Path.Combine(Root, "cdn", hex), overwrite: true);
        return (hex, Hex(sha1.GetHashAndReset()));
    }

    /// <summary>
    /// The last KiB of every 4 KiB block repeats the block's first KiB: random otherwise, so LZ4 (Xet's chunk compression)
    /// saves about a quarter, in the range of real weight files, and the decoder does real match copies.
    /// </summary>
    private static void MakeCompressible(Span<byte> data)
    {
        for (int block = 0; block + 4096 <= data.Length; block += 4096) data.Slice(block, 1024).CopyTo(data.Slice(block + 3072, 1024));
    }

    private void WriteApiJson()
    {
        using (var stream = File.Create(RevisionJsonPath))
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("_id", "bench");
            w.WriteString("id", SmallRepo);
            w.WriteString("sha", SmallCommit);
            w.WriteStartArray("siblings");
            foreach ((string path, _, _) in SmallFiles)
            {
                w.WriteStartObject();
                w.WriteString("rfilename", path);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }

        using (var stream = File.Create(TreeJsonPath))
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartArray();
            foreach (string folder in SmallFiles.Select(f => f.Path.Split('/')[0]).Distinct(StringComparer.Ordinal))
            {
                w.WriteStartObject();
                w.WriteString("type", "directory");
                w.WriteString("oid", Hex(SHA1.HashData(Encoding.UTF8.GetBytes(folder))));
                w.WriteNumber("size", 0);
                w.WriteString("path", folder);
                w.WriteEndObject();
            }
            foreach ((string path, string sha1, long size) in SmallFiles)
            {
                w.WriteStartObject();
                w.WriteString("type", "file");
                w.WriteString("oid", sha1);
                w.WriteNumber("size", size);
                w.WriteString("path", path);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
    }

    private static string GitBlobSha1(byte[] content)
    {
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        sha1.AppendData(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"blob {content.Length}\0")));
        sha1.AppendData(content);
        return Hex(sha1.GetHashAndReset());
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
