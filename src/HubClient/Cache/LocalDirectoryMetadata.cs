using System.Globalization;

namespace HubClient;

/// <summary>
/// huggingface_hub's bookkeeping for <c>local_dir</c> downloads: <c>{dir}/.cache/huggingface/download/{path}.metadata</c>
/// holding the commit, the etag and the unix time it was written, one per line.
/// </summary>
internal sealed record LocalDirectoryMetadata(string CommitHash, string Etag, double Timestamp)
{
    public static string HuggingFaceDirectory(string localDirectory) => Path.Combine(localDirectory, ".cache", "huggingface");

    public static string MetadataPath(string localDirectory, string repoPath) =>
        Path.Combine([HuggingFaceDirectory(localDirectory), "download", .. repoPath.Split('/')]) + ".metadata";

    /// <summary>Reads the metadata if present, well-formed and not older than the file (1 s of slack, as in Python).</summary>
    public static LocalDirectoryMetadata? Read(string localDirectory, string repoPath)
    {
        string metadataPath = MetadataPath(localDirectory, repoPath);
        string filePath = Path.Combine([localDirectory, .. repoPath.Split('/')]);
        try
        {
            string[] lines = File.ReadAllLines(metadataPath);
            if (lines.Length < 3 || !double.TryParse(lines[2].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double timestamp))
            {
                AtomicFile.TryDelete(metadataPath);
                return null;
            }
            var metadata = new LocalDirectoryMetadata(lines[0].Trim(), lines[1].Trim(), timestamp);
            if (!File.Exists(filePath)) return null;
            double mtime = new DateTimeOffset(File.GetLastWriteTimeUtc(filePath)).ToUnixTimeMilliseconds() / 1000.0;
            return mtime - 1 <= metadata.Timestamp ? metadata : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static void Write(string localDirectory, string repoPath, string commitHash, string etag)
    {
        EnsureGitIgnore(localDirectory);
        double now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        string path = MetadataPath(localDirectory, repoPath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temp = AtomicFile.TempSibling(path);
        try
        {
            File.WriteAllText(temp, string.Create(CultureInfo.InvariantCulture, $"{commitHash}\n{etag}\n{now:0.000000}\n"));
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            AtomicFile.TryDelete(temp);
        }
    }

    private static void EnsureGitIgnore(string localDirectory)
    {
        string directory = HuggingFaceDirectory(localDirectory);
        Directory.CreateDirectory(directory);
        string gitignore = Path.Combine(directory, ".gitignore");
        if (!File.Exists(gitignore)) AtomicFile.WriteTextIfChanged(gitignore, "*");
    }
}
