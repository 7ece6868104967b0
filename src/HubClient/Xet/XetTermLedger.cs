using System.Buffers;
using System.Globalization;
using System.Text;

namespace HubClient.Xet;

/// <summary>
/// The durable record of which parts of a Xet download are already written, so a rerun after a kill or a cancellation
/// fetches only the rest. A text sidecar, appended to each time a xorb fetch has written a batch of chunks:
/// <code>
/// xet-ledger 1 {xet file hash} {size}
/// {offset} {length} {chunk hash}:{chunk size},{chunk hash}:{chunk size},…
/// </code>
/// one line per written span: bytes [offset, offset + length) of the file and the hashes of the chunks that make them,
/// so the file hash can be recomputed without refetching. A term is done when spans chained from its offset cover it;
/// a shorter chain is a written prefix whose rest is asked of the CAS as a narrower range (a term can be a whole 64 MiB
/// xorb). A line counts only once its newline is written: a torn last line is cut off on load. A header for another
/// file or size discards the ledger. No fsync: after a power loss the ledger may claim chunks whose bytes never reached
/// the disk, so a rerun reads every recorded chunk back and hashes it again before trusting it (<see cref="XetWrittenCheck"/>).
/// </summary>
internal sealed class XetTermLedger : IDisposable
{
    private readonly FileStream? _stream;
    private readonly Lock _lock = new();

    private readonly Dictionary<long, XetLedgerTerm> _spans;

    private XetTermLedger(FileStream? stream, Dictionary<long, XetLedgerTerm> spans)
    {
        _stream = stream;
        _spans = spans;
    }

    /// <summary>
    /// What a previous run wrote of bytes [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="length"/>)
    /// from its start: the chunks of the spans chained from <paramref name="offset"/> (the whole range, a prefix of it, or
    /// null). At every chunk boundary the chain moves to a span starting there when that one reaches further: a run that
    /// resumed inside an older span (whose later chunks failed their check on disk) recorded its spans from that boundary.
    /// </summary>
    public XetLedgerTerm? WrittenFrom(long offset, long length)
    {
        long end = offset + length;
        XetLedgerTerm? Fit(long at) => at < end && _spans.TryGetValue(at, out XetLedgerTerm? span) && span.Length <= end - at ? span : null;

        var chunks = new List<XetChunkHash>();
        long position = offset;
        XetLedgerTerm? current = Fit(position);
        int index = 0;
        while (current is not null)
        {
            XetChunkHash chunk = current.Chunks[index++];
            chunks.Add(chunk);
            position += chunk.Size;
            XetLedgerTerm? next = Fit(position);
            if (next is not null && (index == current.Chunks.Count || next.Offset + next.Length > current.Offset + current.Length))
            {
                current = next;
                index = 0;
            }
            else if (index == current.Chunks.Count)
            {
                current = null;
            }
        }
        return position == offset ? null : new XetLedgerTerm(offset, position - offset, chunks);
    }

    /// <summary>Every recorded span (of two at one offset, the longer).</summary>
    public IReadOnlyCollection<XetLedgerTerm> Spans => _spans.Values;

    /// <summary>The bytes <paramref name="spans"/> cover, as sorted, disjoint [start, end) ranges of the file.</summary>
    public static List<(long Start, long End)> Cover(IEnumerable<XetLedgerTerm> spans)
    {
        var ranges = new List<(long Start, long End)>();
        foreach (XetLedgerTerm span in spans.OrderBy(s => s.Offset))
        {
            long end = span.Offset + span.Length;
            if (ranges.Count > 0 && span.Offset <= ranges[^1].End)
            {
                ranges[^1] = (ranges[^1].Start, Math.Max(ranges[^1].End, end));
            }
            else
            {
                ranges.Add((span.Offset, end));
            }
        }
        return ranges;
    }

    /// <summary>A ledger that records nothing (no sidecar path).</summary>
    public static XetTermLedger None() => new(null, []);

    /// <summary>
    /// Opens (or starts) the ledger at <paramref name="path"/> for this file, keeping what a previous run recorded. The
    /// ledger is read a line at a time: memory holds the spans it records, never its text.
    /// </summary>
    public static XetTermLedger Open(string path, string xetHash, long size)
    {
        byte[] header = Encoding.ASCII.GetBytes(FormattableString.Invariant($"xet-ledger 1 {xetHash} {size}\n"));
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1);
        try
        {
            var spans = new Dictionary<long, XetLedgerTerm>();
            long keep = ReadSpans(stream, header, spans);
            if (keep == 0)
            {
                stream.SetLength(0);
                stream.Write(header);
                stream.Flush();
                keep = header.Length;
            }
            stream.SetLength(keep);
            stream.Position = keep;
            return new XetTermLedger(stream, spans);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads the spans after <paramref name="header"/> into <paramref name="spans"/> and returns the length of what is valid
    /// (0: another file's ledger, or none); reading stops at the first line that is torn or does not parse.
    /// </summary>
    private static long ReadSpans(FileStream stream, byte[] header, Dictionary<long, XetLedgerTerm> spans)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            long keep = 0, consumed = 0;
            int start = 0, filled = 0;
            while (true)
            {
                int newline = buffer.AsSpan(start, filled - start).IndexOf((byte)'\n');
                if (newline < 0)
                {
                    // Make room for the rest of the line: move it to the front, or grow the buffer when it fills it.
                    int pending = filled - start;
                    if (start == 0 && filled == buffer.Length)
                    {
                        byte[] larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, filled).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }
                    else
                    {
                        buffer.AsSpan(start, pending).CopyTo(buffer);
                        consumed += start;
                        start = 0;
                        filled = pending;
                    }
                    int read = stream.Read(buffer, filled, buffer.Length - filled);
                    if (read == 0) return keep; // A torn last line, or the end.
                    filled += read;
                    continue;
                }
                ReadOnlySpan<byte> line = buffer.AsSpan(start, newline + 1);
                if (keep == 0)
                {
                    if (!line.SequenceEqual(header)) return 0;
                }
                else if (TryParse(line[..^1], out XetLedgerTerm? span))
                {
                    // Of two spans at one offset (bytes written twice), the longer.
                    if (!spans.TryGetValue(span.Offset, out XetLedgerTerm? known) || known.Length < span.Length) spans[span.Offset] = span;
                }
                else
                {
                    return keep;
                }
                start += newline + 1;
                keep = consumed + start;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Appends written spans (their bytes are already in the file).</summary>
    public void Record(IEnumerable<XetLedgerTerm> terms)
    {
        if (_stream is null) return;
        var text = new StringBuilder();
        Span<char> hash = stackalloc char[64];
        foreach (XetLedgerTerm term in terms)
        {
            text.Append(term.Offset.ToString(CultureInfo.InvariantCulture)).Append(' ')
                .Append(term.Length.ToString(CultureInfo.InvariantCulture)).Append(' ');
            for (int i = 0; i < term.Chunks.Count; i++)
            {
                if (i > 0) text.Append(',');
                term.Chunks[i].Hash.Format(hash);
                text.Append(hash).Append(':').Append(term.Chunks[i].Size.ToString(CultureInfo.InvariantCulture));
            }
            text.Append('\n');
        }
        byte[] bytes = Encoding.ASCII.GetBytes(text.ToString());
        lock (_lock)
        {
            try
            {
                _stream.Write(bytes);
                _stream.Flush();
            }
            catch (IOException e)
            {
                throw new LocalWriteException($"Could not write the Xet download ledger '{_stream.Name}' (disk full?): {e.Message}", e);
            }
        }
    }

    /// <summary>Parses <c>{offset} {length} {hash}:{size},…</c> (ASCII) into a span whose chunk sizes add up to its length.</summary>
    private static bool TryParse(ReadOnlySpan<byte> line, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out XetLedgerTerm? term)
    {
        term = null;
        int first = line.IndexOf((byte)' ');
        if (first < 0 || !long.TryParse(line[..first], NumberStyles.None, CultureInfo.InvariantCulture, out long offset)) return false;
        line = line[(first + 1)..];
        int second = line.IndexOf((byte)' ');
        if (second < 0 || !long.TryParse(line[..second], NumberStyles.None, CultureInfo.InvariantCulture, out long length)) return false;
        line = line[(second + 1)..];
        var chunks = new List<XetChunkHash>(line.Count((byte)',') + 1);
        long total = 0;
        foreach (Range range in line.Split((byte)','))
        {
            ReadOnlySpan<byte> entry = line[range];
            int colon = entry.IndexOf((byte)':');
            if (colon < 0 || !XetHash.TryParse(entry[..colon], out XetHash hash)
                || !long.TryParse(entry[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out long size)
                || size <= 0 || size > XetChunkHeader.MaxUncompressedLength)
            {
                return false;
            }
            chunks.Add(new XetChunkHash(hash, size));
            total += size;
        }
        if (total != length) return false;
        term = new XetLedgerTerm(offset, length, chunks);
        return true;
    }

    public void Dispose()
    {
        try
        {
            _stream?.Dispose();
        }
        catch (IOException)
        {
            // A line a failed write left buffered: torn lines are cut off on load.
        }
    }
}

/// <summary>A written span (a finished term, or part of one): bytes [Offset, Offset + Length) of the file and the hashes of the chunks that make them.</summary>
internal sealed record XetLedgerTerm(long Offset, long Length, IReadOnlyList<XetChunkHash> Chunks);
