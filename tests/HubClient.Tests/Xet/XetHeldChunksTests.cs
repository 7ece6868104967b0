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
        Assert.Equal([XetHash.Parse(new string('1', 64)), XetHash.Parse(new string('2', 64))], term.ChunkHashes);
        Assert.Equal([100L, 50L], term.ChunkSizes);
    }

    /// <summary>
    /// The record of a 16 GiB blob is ≈ 20 MB of JSON: reading it allocates about what its hashes and sizes hold (40 bytes
    /// per chunk, plus list growth), not its text and a string per hash (≈ 3 × more).
    /// </summary>
    [Fact]
    public void Reading_the_record_of_a_16_GiB_blob_allocates_about_what_its_chunk_hashes_hold()
    {
        const int Chunks = 262_144, PerTerm = 1_024;
        var terms = new List<(XetPlannedTerm, XetLedgerTerm)>();
        for (int t = 0; t < Chunks / PerTerm; t++)
        {
            long offset = (long)t * PerTerm * 65_536;
            var range = new XetFetchRangeRef(XorbA, new Uri("http://cas.invalid/xorb"), 0, PerTerm, 0, 1, null);
            var chunks = Enumerable.Range(0, PerTerm).Select(i => new XetChunkHash(XetHasher.ChunkHash(BitConverter.GetBytes(offset + i)), 65_536)).ToList();
            terms.Add((new XetPlannedTerm(t, offset, PerTerm * 65_536L, 0, PerTerm, range), new XetLedgerTerm(offset, PerTerm * 65_536L, chunks)));
        }
        string path = XetBlobRecords.PathFor(_cache.Combine("models--acme--big"), new string('e', 64));
        Assert.True(XetBlobRecords.TryWrite(path, new string('c', 64), (long)Chunks * 65_536, new string('e', 64), terms));
        long text = new FileInfo(path).Length;

        long before = GC.GetAllocatedBytesForCurrentThread();
        XetBlobRecord record = XetBlobRecords.TryRead(path)!;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(Chunks, record.Terms.Sum(t => t.ChunkHashes.Count));
        Assert.Equal(terms[^1].Item2.Chunks[^1].Hash, record.Terms[^1].ChunkHashes[^1]);
        Assert.True(allocated < Chunks * 100L, $"Reading a {text / 1_000_000} MB record allocated {allocated / 1_000_000} MB for {Chunks} chunks.");
    }

    /// <summary>A record as the serializer wrote them before records were streamed (a hash may come escaped or in upper case).</summary>
    [Fact]
    public void A_record_written_by_the_serializer_reads_back()
    {
        string h1 = new('1', 64), h2 = "ABCDEF" + new string('2', 58);
        string json = "{\"format_version\":1,\"xet_hash\":\"" + new string('c', 64) + "\",\"size\":150,\"etag\":\"" + new string('e', 64)
            + "\",\"terms\":[{\"xorb\":\"" + XorbA + "\",\"chunk_start\":3,\"chunk_end\":5,\"offset\":0,\"length\":150,"
            + "\"chunk_hashes\":[\"\\u0031" + h1[1..] + "\",\"" + h2 + "\"],\"chunk_sizes\":[100,50]}]}";
        string path = XetBlobRecords.PathFor(_cache.Combine("models--acme--one"), new string('e', 64));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, json);

        XetBlobRecord record = XetBlobRecords.TryRead(path)!;

        Assert.Equal([XetHash.Parse(h1), XetHash.Parse(h2.ToLowerInvariant())], record.Terms[0].ChunkHashes);
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
