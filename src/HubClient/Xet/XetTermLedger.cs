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
/// file or size discards the ledger. No fsync: after a power loss the file hash check fails and the ledger is dropped.
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
    /// from its start: the spans chained from <paramref name="offset"/> (the whole range, a prefix of it, or null).
    /// </summary>
    public XetLedgerTerm? WrittenFrom(long offset, long length)
    {
        var chunks = new List<XetChunkHash>();
        long at = offset;
        while (at < offset + length && _spans.TryGetValue(at, out XetLedgerTerm? span) && span.Length <= offset + length - at)
        {
            chunks.AddRange(span.Chunks);
            at += span.Length;
        }
        return at == offset ? null : new XetLedgerTerm(offset, at - offset, chunks);
    }

    /// <summary>The bytes the recorded spans cover, as sorted, disjoint [start, end) ranges of the file.</summary>
    public List<(long Start, long End)> WrittenRanges()
    {
        var ranges = new List<(long Start, long End)>();
        foreach (XetLedgerTerm span in _spans.Values.OrderBy(s => s.Offset))
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

    /// <summary>Opens (or starts) the ledger at <paramref name="path"/> for this file, keeping what a previous run recorded.</summary>
    public static XetTermLedger Open(string path, string xetHash, long size)
    {
        string header = FormattableString.Invariant($"xet-ledger 1 {xetHash} {size}\n");
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        try
        {
            var terms = new Dictionary<long, XetLedgerTerm>();
            byte[] content = new byte[stream.Length];
            stream.ReadExactly(content);
            string text = Encoding.ASCII.GetString(content);
            long keep = 0;
            if (text.StartsWith(header, StringComparison.Ordinal))
            {
                keep = header.Length;
                int at = header.Length;
                while (true)
                {
                    int newline = text.IndexOf('\n', at);
                    if (newline < 0 || !TryParse(text.AsSpan(at, newline - at), out XetLedgerTerm? span)) break;
                    // Of two spans at one offset (bytes written twice), the longer.
                    if (!terms.TryGetValue(span.Offset, out XetLedgerTerm? known) || known.Length < span.Length) terms[span.Offset] = span;
                    at = newline + 1;
                    keep = at;
                }
            }
            if (keep == 0)
            {
                stream.SetLength(0);
                stream.Write(Encoding.ASCII.GetBytes(header));
                stream.Flush();
                keep = header.Length;
            }
            stream.SetLength(keep);
            stream.Position = keep;
            return new XetTermLedger(stream, terms);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Appends written spans (their bytes are already in the file).</summary>
    public void Record(IEnumerable<XetLedgerTerm> terms)
    {
        if (_stream is null) return;
        var text = new StringBuilder();
        foreach (XetLedgerTerm term in terms)
        {
            text.Append(term.Offset.ToString(CultureInfo.InvariantCulture)).Append(' ')
                .Append(term.Length.ToString(CultureInfo.InvariantCulture)).Append(' ');
            for (int i = 0; i < term.Chunks.Count; i++)
            {
                if (i > 0) text.Append(',');
                text.Append(term.Chunks[i].Hash.ToString()).Append(':').Append(term.Chunks[i].Size.ToString(CultureInfo.InvariantCulture));
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

    private static bool TryParse(ReadOnlySpan<char> line, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out XetLedgerTerm? term)
    {
        term = null;
        string[] parts = line.ToString().Split(' ');
        if (parts.Length != 3
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long offset)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long length))
        {
            return false;
        }
        var chunks = new List<XetChunkHash>();
        long total = 0;
        foreach (string entry in parts[2].Split(','))
        {
            int colon = entry.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0 || !XetHash.TryParse(entry[..colon], out XetHash hash)
                || !long.TryParse(entry.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out long size)
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
