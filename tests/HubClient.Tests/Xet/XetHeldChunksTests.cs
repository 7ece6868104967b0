using HubClient.Xet;

namespace HubClient.Tests.Xet;

/// <summary>
/// Which records a delta download reads: a record's xorb list (<c>{etag}.xorbs</c>) lets the index skip blobs that share
/// no xorb with the download, without parsing their records.
/// </summary>
public sealed class XetHeldChunksTests : IDisposable
{
    private static readonly string XorbA = new('a', 64);
    private static readonly string XorbB = new('b', 64);
    private readonly TempDirectory _cache = new();

    public void Dispose() => _cache.Dispose();

    /// <summary>A held blob of two chunks (100 and 50 bytes) taken from <paramref name="xorb"/> at <paramref name="chunkStart"/>; returns its record's path.</summary>
    private string Held(string repoFolder, string etag, string xorb, int chunkStart)
    {
        string blobs = _cache.Combine(repoFolder, "blobs");
        Directory.CreateDirectory(blobs);
        File.WriteAllBytes(Path.Combine(blobs, etag), new byte[150]);
        var planned = new XetPlannedTerm(0, 0, 150, chunkStart, chunkStart + 2,
            new XetFetchRangeRef(xorb, new Uri("http://cas.invalid/xorb"), chunkStart, chunkStart + 2, 0, 149, null));
        var written = new XetLedgerTerm(0, 150, [new XetChunkHash(XetHash.Parse(new string('1', 64)), 100), new XetChunkHash(XetHash.Parse(new string('2', 64)), 50)]);
        string path = XetBlobRecords.PathFor(_cache.Combine(repoFolder), etag);
        Assert.True(XetBlobRecords.TryWrite(path, new string('c', 64), 150, etag, [(planned, written)]));
        return path;
    }

    [Fact]
    public void A_streamed_record_reads_back_as_the_terms_it_was_written_from()
    {
        string path = Held("models--acme--one", new string('e', 64), XorbA, 3);

        XetBlobRecord record = XetBlobRecords.TryRead(path)!;

        Assert.Equal((XetBlobRecord.CurrentFormat, new string('c', 64), 150L, new string('e', 64)), (record.FormatVersion, record.XetHash, record.Size, record.Etag));
        XetBlobRecordTerm term = Assert.Single(record.Terms);
        Assert.Equal((XorbA, 3, 5, 0L, 150L), (term.Xorb, term.ChunkStart, term.ChunkEnd, term.Offset, term.Length));
        Assert.Equal([new string('1', 64), new string('2', 64)], term.ChunkHashes);
        Assert.Equal([100L, 50L], term.ChunkSizes);
    }

    [Fact]
    public void A_record_is_written_with_its_xorb_list()
    {
        string record = Held("models--acme--one", new string('e', 64), XorbA, 0);
        Assert.Equal(XorbA + "\n", File.ReadAllText(XetBlobRecords.XorbListPathFor(record)));
        Assert.Equal([XorbA], XetBlobRecords.TryReadXorbList(record)!);
    }

    [Fact]
    public void Records_whose_list_shares_no_needed_xorb_are_not_read_and_a_record_without_a_list_is_read_and_listed()
    {
        Held("models--acme--one", new string('e', 64), XorbA, 0);
        // This record does hold chunks 5 and 6 of xorb A, but its list says it uses only xorb B: trusting the list, the
        // index never opens it, which is what shows here.
        string misleading = Held("models--acme--two", new string('f', 64), XorbA, 5);
        File.WriteAllText(XetBlobRecords.XorbListPathFor(misleading), XorbB + "\n");

        XetHeldChunks held = XetHeldChunks.Build(_cache.Path, new HashSet<string> { XorbA }, excludeBlobPath: null);
        Assert.True(held.TryGet(XorbA, 0, out XetHeldChunk first));
        Assert.Equal(100, first.Size);
        Assert.False(held.TryGet(XorbA, 5, out _));

        // Without a list (a record from before lists existed), the record is read — and its list written for next time.
        File.Delete(XetBlobRecords.XorbListPathFor(misleading));
        held = XetHeldChunks.Build(_cache.Path, new HashSet<string> { XorbA }, excludeBlobPath: null);
        Assert.True(held.TryGet(XorbA, 6, out XetHeldChunk sixth));
        Assert.Equal(50, sixth.Size);
        Assert.Equal(XorbA + "\n", File.ReadAllText(XetBlobRecords.XorbListPathFor(misleading)));

        // A malformed list counts as none.
        File.WriteAllText(XetBlobRecords.XorbListPathFor(misleading), "not a hash\n");
        Assert.Null(XetBlobRecords.TryReadXorbList(misleading));
    }
}
