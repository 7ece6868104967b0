using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace HubClient.Testing;

/// <summary>A file in a fake repository, with the hashes the hub would announce for it.</summary>
public sealed class FakeFile
{
    internal FakeFile(string path, byte[] content, bool isLfs, bool isXet = false)
    {
        Path = path;
        Content = content;
        IsLfs = isLfs || isXet;
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(content));
        GitSha1 = GitBlobSha1(content);
        if (isXet)
        {
            XetChunks = HubClient.Xet.XetChunker.Chunk(content);
            XetChunkHashes = [.. XetChunks.Select(c => new HubClient.Xet.XetChunkHash(HubClient.Xet.XetHasher.ChunkHash(content.AsSpan(c.Offset, c.Length)), c.Length))];
            XetHash = HubClient.Xet.XetHasher.FileHash(XetChunkHashes).ToString();
        }
    }

    /// <summary>The path in the repository.</summary>
    public string Path { get; }

    /// <summary>The bytes served.</summary>
    public byte[] Content { get; }

    /// <summary>Whether the file is stored in LFS: served through a CDN redirect with <c>X-Linked-Etag</c> = SHA-256.</summary>
    public bool IsLfs { get; }

    /// <summary>
    /// The Xet file hash (<c>X-Xet-Hash</c>, tree <c>xetHash</c>) when the file is Xet-backed, else null. Xet-backed files
    /// are LFS files too: the resolve redirect still leads to the plain-HTTP bridge.
    /// </summary>
    public string? XetHash { get; }

    /// <summary>Whether the file is Xet-backed (served by the fake CAS as well as through the bridge).</summary>
    public bool IsXet => XetHash is not null;

    internal IReadOnlyList<(int Offset, int Length)>? XetChunks { get; }

    internal IReadOnlyList<HubClient.Xet.XetChunkHash>? XetChunkHashes { get; }

    /// <summary>SHA-256 of the content.</summary>
    public string Sha256 { get; }

    /// <summary>The git blob SHA-1 (<c>"blob {size}\0"</c> + content).</summary>
    public string GitSha1 { get; }

    /// <summary>The etag the hub announces and the cache names the blob by: SHA-256 for LFS files, git SHA-1 otherwise.</summary>
    public string Etag => IsLfs ? Sha256 : GitSha1;

    /// <summary>The size in bytes.</summary>
    public long Size => Content.LongLength;

    internal FakeXetFile XetLayout(FakeHub hub)
    {
        if (XetChunks is null) throw new InvalidOperationException($"{Path} is not Xet-backed.");
        return hub.XetStore.LayoutOf(this, hub.XetChunksPerXorb, hub.XetChunksPerTerm);
    }

    /// <summary>The git blob SHA-1 of <paramref name="content"/>.</summary>
    public static string GitBlobSha1(byte[] content)
    {
        ArgumentNullException.ThrowIfNull(content);
        byte[] header = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"blob {content.Length}\0"));
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        sha1.AppendData(header);
        sha1.AppendData(content);
        return Convert.ToHexStringLower(sha1.GetHashAndReset());
    }
}
