using System.Text;

namespace HubClient;

/// <summary>
/// The reference manifest of a shared-store entry, <c>{xet_hash}.refs</c> beside it: the repo blobs that link to the entry,
/// one per line, relative to the cache root with '/' (<c>models--acme--m/blobs/{etag}</c>). A line is appended and
/// flushed to disk before its link becomes visible, so a collector never misses a reference. The manifest is a hint, not
/// trusted: every line is checked against the file system, and a missing or unreadable manifest means "keep the entry".
/// </summary>
internal static class SharedBlobManifest
{
    public const string Suffix = ".refs";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string PathFor(string entryPath) => entryPath + Suffix;

    /// <summary>Appends one reference and flushes it to disk (<c>O_APPEND</c> + <c>fsync</c>). Throws when it cannot.</summary>
    public static void Append(string manifestPath, string relativeBlobPath)
    {
        RefuseNonRegular(manifestPath);
        var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.ReadWrite | FileShare.Delete };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = SharedBlobModes.Writable;
        using var stream = new FileStream(manifestPath, options);
        SharedBlobModes.TryMakeWritable(manifestPath);
        byte[] line = Encoding.UTF8.GetBytes(relativeBlobPath + "\n");
        stream.Write(line);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Whether the manifest at <paramref name="manifestPath"/> has the line <paramref name="relativeBlobPath"/> (false when it cannot be read).</summary>
    public static bool Lists(string manifestPath, string relativeBlobPath)
    {
        try
        {
            return File.ReadLines(manifestPath, StrictUtf8).Any(line => line.TrimEnd('\r') == relativeBlobPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DecoderFallbackException)
        {
            return false;
        }
    }

    /// <summary>
    /// The repo blobs listed in the manifest of <paramref name="entryPath"/> that are still links to it (full paths); null
    /// when the manifest is missing or unreadable, or a listed link cannot be read — then nothing may be collected.
    /// </summary>
    public static HashSet<string>? ReadValidReferences(SharedBlobStore store, string entryPath)
    {
        string manifestPath = PathFor(entryPath);
        if (!SharedBlobStore.IsRegularFile(manifestPath)) return null;
        string text;
        try
        {
            text = File.ReadAllText(manifestPath, StrictUtf8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DecoderFallbackException)
        {
            return null;
        }

        var references = new HashSet<string>(StringComparer.Ordinal);
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith('/') || Path.IsPathRooted(line) || line.Split('/', '\\').Contains("..")) continue;
            string candidate = Path.GetFullPath(Path.Combine(store.CacheRoot, line));
            if (store.RelativeBlobPath(candidate) is null) continue;
            string? target;
            try
            {
                target = store.LinkedEntry(candidate, throwOnIoError: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return null;
            }
            if (target is not null && string.Equals(target, entryPath, StringComparison.Ordinal)) references.Add(candidate);
        }
        return references;
    }

    /// <summary>Replaces the manifest by exactly <paramref name="references"/> (sorted), through a temp file, flushed, and a rename.</summary>
    public static void Rewrite(SharedBlobStore store, string manifestPath, IEnumerable<string> references)
    {
        string temp = manifestPath + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        try
        {
            string[] lines = references
                .Select(r => Path.GetRelativePath(store.CacheRoot, r).Replace(Path.DirectorySeparatorChar, '/'))
                .OrderBy(r => r, PathPartsComparer.Instance)
                .ToArray();
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n"))));
                stream.Flush(flushToDisk: true);
            }
            SharedBlobModes.TryMakeWritable(temp);
            File.Move(temp, manifestPath, overwrite: true);
        }
        finally
        {
            AtomicFile.TryDelete(temp);
        }
    }

    private static void RefuseNonRegular(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null || Directory.Exists(path))
        {
            throw new IOException($"Shared blob manifest is not a regular file: '{path}'.");
        }
    }

    /// <summary>Orders '/'-separated paths part by part, as Python sorts <c>Path</c> objects.</summary>
    private sealed class PathPartsComparer : IComparer<string>
    {
        public static readonly PathPartsComparer Instance = new();

        public int Compare(string? x, string? y)
        {
            string[] a = (x ?? "").Split('/');
            string[] b = (y ?? "").Split('/');
            for (int i = 0; i < Math.Min(a.Length, b.Length); i++)
            {
                int c = string.CompareOrdinal(a[i], b[i]);
                if (c != 0) return c;
            }
            return a.Length.CompareTo(b.Length);
        }
    }
}
