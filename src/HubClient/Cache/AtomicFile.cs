using System.Text;

namespace HubClient;

/// <summary>File operations that are safe against crashes and concurrent writers: write a unique temp name, then rename.</summary>
internal static class AtomicFile
{
    /// <summary>The longest file name every supported file system takes: 255 bytes of UTF-8 (Linux, macOS; Windows counts 255 UTF-16 units).</summary>
    private const int MaxNameBytes = 255;

    /// <summary>
    /// A unique sibling of <paramref name="path"/> for a temp file: its name, a random tag and <paramref name="suffix"/>, the
    /// name cut short (at whole characters) when all three would not fit in one file name — a name that itself fits just
    /// (huggingface_hub's <c>{file}.metadata</c> for a 246-byte file name) still gets a temp sibling.
    /// </summary>
    public static string TempSibling(string path, string suffix = ".tmp")
    {
        string tag = "." + Guid.NewGuid().ToString("N")[..12] + suffix;
        string name = Path.GetFileName(path);
        int room = MaxNameBytes - Encoding.UTF8.GetByteCount(tag);
        if (Encoding.UTF8.GetByteCount(name) <= room) return path + tag;
        var kept = new StringBuilder();
        int bytes = 0;
        foreach (Rune rune in name.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > room) break;
            kept.Append(rune.ToString());
            bytes += rune.Utf8SequenceLength;
        }
        return Path.Combine(Path.GetDirectoryName(path)!, kept + tag);
    }

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> atomically, unless it already holds exactly that.</summary>
    public static void WriteTextIfChanged(string path, string content)
    {
        try
        {
            if (File.Exists(path) && File.ReadAllText(path) == content) return;
        }
        catch (IOException)
        {
            // Unreadable: rewrite it.
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temp = TempSibling(path);
        try
        {
            File.WriteAllText(temp, content);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            TryDelete(temp);
        }
    }

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> atomically; false when it could not (best effort).</summary>
    public static bool TryWriteAllBytes(string path, byte[] content) => TryWrite(path, stream => stream.Write(content));

    /// <summary>
    /// Writes what <paramref name="write"/> puts into the stream to <paramref name="path"/> atomically (a temp sibling, then a
    /// rename); false when it could not (best effort).
    /// </summary>
    public static bool TryWrite(string path, Action<Stream> write)
    {
        string temp = TempSibling(path);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
            }
            File.Move(temp, path, overwrite: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        finally
        {
            TryDelete(temp);
        }
    }

    /// <summary>
    /// Copies a file's bytes to a new file that its owner can write: a read-only shared-store payload (mode 0400/0444)
    /// must not give a read-only copy in a snapshot or a local folder (Python's <c>shutil.copyfile</c> copies no mode).
    /// </summary>
    public static void CopyWritable(string source, string destination)
    {
        File.Copy(source, destination);
        if (OperatingSystem.IsWindows()) return;
        UnixFileMode mode = File.GetUnixFileMode(destination);
        if (!mode.HasFlag(UnixFileMode.UserWrite)) File.SetUnixFileMode(destination, mode | UnixFileMode.UserWrite);
    }

    public static void TryDelete(string path)
    {
        // Nothing there is the common case (a marker or temp file never made): File.Delete would throw when its folder is
        // missing too, and an exception costs far more than the check (it runs per file of a snapshot).
        if (!File.Exists(path)) return;
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover temp file is harmless and pruned later.
        }
    }
}
