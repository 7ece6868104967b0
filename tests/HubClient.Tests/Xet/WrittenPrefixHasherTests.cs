using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace HubClient.Tests.Xet;

/// <summary>The in-order content hash of a file written out of order (Xet terms), checked against the hash of the whole content.</summary>
public sealed class WrittenPrefixHasherTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    [Fact]
    public async Task Ranges_reported_out_of_order_from_several_threads_hash_to_the_contents_sha256()
    {
        byte[] content = Bytes.Random(3_000_000, seed: 11);
        // Uneven ranges, like terms of different sizes, each written front to back in pieces by its own writer.
        long[] cuts = [0, 100_000, 100_001, 1_200_000, 1_900_000, 2_999_999, 3_000_000];
        using SafeFileHandle file = File.OpenHandle(_temp.Combine("partial"), FileMode.CreateNew, FileAccess.ReadWrite);
        RandomAccess.SetLength(file, content.Length);
        using var hasher = HasherOf(file, content);

        await Parallel.ForEachAsync(Enumerable.Range(0, cuts.Length - 1).Reverse(), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, token) =>
        {
            for (long at = cuts[i]; at < cuts[i + 1];)
            {
                int length = (int)Math.Min(65_536, cuts[i + 1] - at);
                await RandomAccess.WriteAsync(file, content.AsMemory((int)at, length), at, token);
                hasher.Written(at, length);
                at += length;
            }
        });

        Assert.Equal(Sha256(content), await hasher.FinishAsync(CancellationToken.None));
    }

    [Fact]
    public async Task The_background_pass_hashes_only_the_contiguous_prefix_and_finish_hashes_the_rest()
    {
        byte[] content = Bytes.Random(500_000, seed: 12);
        using SafeFileHandle file = OnDisk(content);
        using var hasher = HasherOf(file, content);

        hasher.Written(200_000, 100_000); // An island: nothing before it yet.
        await hasher.DrainAsync();
        Assert.Equal(0, hasher.Hashed);

        hasher.Written(0, 200_000); // Joins the island: the prefix is 300,000 bytes.
        await hasher.DrainAsync();
        Assert.Equal(300_000, hasher.Hashed);

        // Bytes on disk but never reported (a resumed partial's) are hashed by FinishAsync.
        Assert.Equal(Sha256(content), await hasher.FinishAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Ranges_handed_over_in_memory_at_the_hash_position_are_hashed_from_memory_and_the_rest_read_back()
    {
        byte[] content = Bytes.Random(2_000_000, seed: 13);
        using SafeFileHandle file = OnDisk(content);
        using var hasher = HasherOf(file, content);

        // The first range is handed over with bytes that differ from the disk's: only a hash from memory would see them.
        byte[] inMemory = (byte[])content[..500_000].Clone();
        inMemory[0] ^= 0xFF;
        hasher.Written(0, inMemory.Length, inMemory);
        Assert.Equal(500_000, hasher.Hashed);

        // Not at the hash position: an island, read back later even though its bytes are offered.
        hasher.Written(1_000_000, 1_000_000, content.AsSpan(1_000_000));
        hasher.Written(500_000, 500_000, content.AsSpan(500_000, 500_000));
        byte[] expected = [.. inMemory, .. content[500_000..]];
        Assert.Equal(Sha256(expected), await hasher.FinishAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_range_written_again_after_it_was_hashed_makes_finish_hash_the_whole_file_as_it_finally_is()
    {
        byte[] first = Bytes.Random(1_000_000, seed: 14);
        using SafeFileHandle file = OnDisk(first);
        using var hasher = HasherOf(file, first);
        hasher.Written(0, 600_000);
        await hasher.DrainAsync();
        Assert.Equal(600_000, hasher.Hashed);
        Assert.False(hasher.Rewritten);

        // A retried fetch (or a refetched copy) writes other bytes over the hashed range, and reports it again.
        byte[] final = (byte[])first.Clone();
        final[123] ^= 0xFF;
        RandomAccess.Write(file, final.AsSpan(0, 300_000), 0);
        hasher.Written(0, 300_000, final.AsSpan(0, 300_000));
        hasher.Written(600_000, 400_000);

        Assert.True(hasher.Rewritten);
        Assert.Equal(Sha256(final), await hasher.FinishAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_range_written_again_before_it_joined_the_prefix_is_read_once_from_disk_with_no_second_pass()
    {
        byte[] content = Bytes.Random(300_000, seed: 15);
        using SafeFileHandle file = OnDisk(content);
        using var hasher = HasherOf(file, content);

        // A retried fetch: its first attempt reported an island, the retry reports it (and more) again.
        hasher.Written(200_000, 50_000);
        hasher.Written(200_000, 100_000);
        // Offered from memory at the hash position but over an island: hashed from disk, where the later bytes are.
        byte[] stale = new byte[250_000];
        hasher.Written(0, stale.Length, stale);

        Assert.False(hasher.Rewritten);
        Assert.Equal(Sha256(content), await hasher.FinishAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_40_hex_etag_is_the_git_blob_sha1_and_an_etag_naming_no_hash_is_refused()
    {
        byte[] content = Bytes.Random(400_000, seed: 16);
        using SafeFileHandle file = OnDisk(content);
        // git hash-object: SHA-1 over "blob {size}\0" and the content.
#pragma warning disable CA5350 // git's blob name, not a security boundary.
        string gitSha1 = Convert.ToHexStringLower(SHA1.HashData([.. System.Text.Encoding.ASCII.GetBytes($"blob {content.Length}\0"), .. content]));
#pragma warning restore CA5350
        using (var hasher = new WrittenPrefixHasher(file, content.Length, gitSha1, CancellationToken.None))
        {
            hasher.Written(0, content.Length, content);
            Assert.Equal(gitSha1, await hasher.FinishAsync(CancellationToken.None));
        }

        Assert.Throws<ArgumentException>(() => new WrittenPrefixHasher(file, content.Length, "not-a-hash", CancellationToken.None));
    }

    /// <summary>A hasher of <paramref name="file"/>, expecting the SHA-256 of <paramref name="content"/>.</summary>
    private static WrittenPrefixHasher HasherOf(SafeFileHandle file, byte[] content) => new(file, content.Length, Sha256(content), CancellationToken.None);

    private static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>A partial file that already holds <paramref name="content"/>.</summary>
    private SafeFileHandle OnDisk(byte[] content)
    {
        SafeFileHandle file = File.OpenHandle(_temp.Combine("partial"), FileMode.CreateNew, FileAccess.ReadWrite);
        RandomAccess.Write(file, content, 0);
        return file;
    }

    public void Dispose() => _temp.Dispose();
}
