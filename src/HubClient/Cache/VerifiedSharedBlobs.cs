using System.Collections.Concurrent;

namespace HubClient;

/// <summary>
/// The shared-store entries this process has checked against their SHA-256 (or published itself): an entry another
/// process wrote is hashed the first time this process links a repo blob to it, then trusted for the life of the process
/// as long as it is the same file (size and modification time). An entry that fails the check is never linked; the
/// download that follows replaces it.
/// </summary>
internal static class VerifiedSharedBlobs
{
    private static readonly ConcurrentDictionary<string, (long Size, DateTime Modified)> Verified = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="entryPath"/> holds the content named by <paramref name="sha256"/>, hashing it unless known.</summary>
    public static async Task<bool> CheckAsync(string entryPath, string sha256, CancellationToken cancellationToken)
    {
        if (IsKnown(entryPath)) return true;
        if (!ContentHasher.IsSha256(sha256)) return false;
        string? actual;
        try
        {
            actual = await BlobVerifier.HashFileAsync(entryPath, sha256, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        if (actual != sha256) return false;
        Remember(entryPath);
        return true;
    }

    /// <summary>Records an entry this process just published from a verified download.</summary>
    public static void Remember(string entryPath)
    {
        if (Stamp(entryPath) is { } stamp) Verified[entryPath] = stamp;
    }

    /// <summary>Whether <paramref name="entryPath"/> was verified by this process and has not changed since.</summary>
    public static bool IsKnown(string entryPath) =>
        Verified.TryGetValue(entryPath, out var known) && Stamp(entryPath) is { } now && now == known;

    private static (long, DateTime)? Stamp(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? (info.Length, info.LastWriteTimeUtc) : null;
    }
}
