using HubClient.Xet;

namespace HubClient.Tests.Xet;

/// <summary>The Xet download ledger on its own: what a rerun reads back, what it cuts off, what it costs to read.</summary>
public sealed class XetTermLedgerTests : IDisposable
{
    private static readonly string FileHash = new('a', 64);
    private readonly TempDirectory _temp = new();

    private static XetLedgerTerm Span(long offset, params long[] sizes)
    {
        var chunks = sizes.Select((size, i) => new XetChunkHash(XetHasher.ChunkHash(BitConverter.GetBytes(offset + i)), size)).ToList();
        return new XetLedgerTerm(offset, sizes.Sum(), chunks);
    }

    [Fact]
    public void Spans_recorded_by_one_run_are_read_back_by_the_next_chained_from_a_term_start()
    {
        string path = _temp.Combine("ledger");
        XetLedgerTerm a = Span(0, 100, 50), b = Span(150, 70), c = Span(1_000, 10);
        using (XetTermLedger ledger = XetTermLedger.Open(path, FileHash, 2_000))
        {
            ledger.Record([a, b]);
            ledger.Record([c]);
        }

        using XetTermLedger reread = XetTermLedger.Open(path, FileHash, 2_000);

        XetLedgerTerm term = reread.WrittenFrom(0, 400)!;
        Assert.Equal(220, term.Length);
        Assert.Equal([.. a.Chunks, .. b.Chunks], term.Chunks);
        Assert.Null(reread.WrittenFrom(500, 100));
        Assert.Equal([(0L, 220L), (1_000L, 1_010L)], XetTermLedger.Cover(reread.Spans));
    }

    [Fact]
    public void The_chain_moves_to_a_span_that_starts_at_a_chunk_boundary_inside_another_and_reaches_further()
    {
        string path = _temp.Combine("ledger");
        XetLedgerTerm older = Span(0, 100, 100, 100, 100);  // [0, 400), from a run whose third chunk the disk lost
        XetLedgerTerm resumed = Span(200, 100, 100, 100);   // [200, 500), the resumed run's, from that chunk on
        XetLedgerTerm after = Span(500, 100);               // [500, 600)
        using (XetTermLedger ledger = XetTermLedger.Open(path, FileHash, 1_000)) ledger.Record([older, resumed, after]);

        using XetTermLedger reread = XetTermLedger.Open(path, FileHash, 1_000);

        XetLedgerTerm chain = reread.WrittenFrom(0, 1_000)!;
        Assert.Equal(600, chain.Length);
        Assert.Equal([.. older.Chunks.Take(2), .. resumed.Chunks, .. after.Chunks], chain.Chunks);
        Assert.Null(reread.WrittenFrom(0, 300)); // A span that does not fit the range (another term's) is not taken.
    }

    [Fact]
    public void A_torn_last_line_and_everything_after_a_bad_line_are_cut_off_and_another_files_ledger_is_discarded()
    {
        string path = _temp.Combine("ledger");
        using (XetTermLedger ledger = XetTermLedger.Open(path, FileHash, 2_000)) ledger.Record([Span(0, 100)]);
        string good = File.ReadAllText(path);
        File.AppendAllText(path, "100 5 " + new string('b', 64)); // Killed mid-line.

        using (XetTermLedger reread = XetTermLedger.Open(path, FileHash, 2_000))
        {
            Assert.Equal(100, reread.WrittenFrom(0, 200)!.Length);
        }
        Assert.Equal(good, File.ReadAllText(path));

        File.AppendAllText(path, "100 5 zz:5\n200 10 " + new string('b', 64) + ":10\n");
        using (XetTermLedger reread = XetTermLedger.Open(path, FileHash, 2_000))
        {
            Assert.Null(reread.WrittenFrom(200, 10)); // After the line that does not parse.
        }

        using (XetTermLedger other = XetTermLedger.Open(path, new string('c', 64), 2_000))
        {
            Assert.Null(other.WrittenFrom(0, 200));
        }
        Assert.StartsWith("xet-ledger 1 " + new string('c', 64), File.ReadAllText(path), StringComparison.Ordinal);
    }

    /// <summary>Lines far longer than the reader's 64 KiB buffer (a term of thousands of chunks), at every alignment, and a torn long last line.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(37)]
    [InlineData(873)]
    public void Long_lines_across_buffer_boundaries_read_back_whole(int shortSpans)
    {
        string path = _temp.Combine("ledger");
        var spans = new List<XetLedgerTerm>();
        long at = 0;
        for (int i = 0; i < shortSpans; i++)
        {
            spans.Add(Span(at, [.. Enumerable.Repeat(1_000L, 1 + (i % 5))]));
            at += spans[^1].Length;
        }
        foreach (int count in new[] { 900, 3_000, 1, 7_000, 2 })
        {
            spans.Add(Span(at, [.. Enumerable.Repeat(1_000L, count)]));
            at += spans[^1].Length;
        }
        using (XetTermLedger ledger = XetTermLedger.Open(path, FileHash, 1L << 40))
        {
            foreach (XetLedgerTerm span in spans) ledger.Record([span]);
        }
        long good = new FileInfo(path).Length;
        File.AppendAllText(path, "999999 5 " + string.Concat(Enumerable.Repeat(new string('b', 64) + ":1,", 5_000)));

        using (XetTermLedger reread = XetTermLedger.Open(path, FileHash, 1L << 40))
        {
            Assert.Equal([(0L, at)], XetTermLedger.Cover(reread.Spans));
            Assert.Equal(spans.SelectMany(s => s.Chunks), reread.WrittenFrom(0, at)!.Chunks);
        }
        Assert.Equal(good, new FileInfo(path).Length);
    }

    /// <summary>
    /// A resume of a large file reads its ledger line by line: what it allocates is the spans themselves (≈ 40 bytes per
    /// chunk hash in a list), not the ledger's text (≈ 75 bytes per chunk, twice that as a string, and a string per entry).
    /// </summary>
    [Fact]
    public void Reading_the_ledger_of_a_16_GiB_download_allocates_about_what_its_spans_hold()
    {
        const int Chunks = 262_144; // 16 GiB of 64 KiB chunks, in 1 MiB spans as a download records them.
        string path = _temp.Combine("ledger");
        using (XetTermLedger ledger = XetTermLedger.Open(path, FileHash, (long)Chunks * 65_536))
        {
            for (int span = 0; span < Chunks / 16; span++)
            {
                ledger.Record([Span(span * 16L * 65_536, [.. Enumerable.Repeat(65_536L, 16)])]);
            }
        }
        long text = new FileInfo(path).Length;

        long before = GC.GetAllocatedBytesForCurrentThread();
        using (XetTermLedger reread = XetTermLedger.Open(path, FileHash, (long)Chunks * 65_536))
        {
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal((long)Chunks * 65_536, XetTermLedger.Cover(reread.Spans).Single().End);
            Assert.True(allocated < Chunks * 80L, $"Reading a {text / 1_000_000} MB ledger allocated {allocated / 1_000_000} MB for {Chunks} chunks.");
        }
    }

    public void Dispose() => _temp.Dispose();
}
