namespace HubClient.Xet;

/// <summary>
/// The end-to-end check after assembly: the file's content hash against the etag the hub named (<c>X-Linked-Etag</c>):
/// the SHA-256 of an LFS or Xet file, the git blob SHA-1 of a 40-hex etag (<see cref="ContentHasher"/>, computed while
/// the file is written by <see cref="WrittenPrefixHasher"/>).
/// </summary>
internal static class XetVerification
{
    /// <summary>Throws <see cref="HubIntegrityException"/> unless <paramref name="actual"/> is <paramref name="etag"/>.</summary>
    public static void CheckEtag(string actual, string path, string etag)
    {
        if (!string.Equals(actual, etag, StringComparison.OrdinalIgnoreCase))
        {
            string algorithm = ContentHasher.IsSha256(etag) ? "SHA-256" : "git SHA-1";
            throw new HubIntegrityException($"{algorithm} mismatch for {path}: the assembled file hashes to {actual}, the hub says {etag}.", path, etag, actual);
        }
    }
}
