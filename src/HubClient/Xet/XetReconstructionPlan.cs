namespace HubClient.Xet;

/// <summary>
/// A reconstruction (v1 or v2) checked and laid out for downloading: each term with its offset in the file and the
/// signed xorb range that holds its chunks. Anything inconsistent — terms that do not add up to the file's size, a term
/// no fetch range covers, a byte range that is not a range — is a malformed reconstruction
/// (<see cref="XetUnavailableException"/>).
/// </summary>
internal sealed class XetReconstructionPlan
{
    private XetReconstructionPlan(IReadOnlyList<XetPlannedTerm> terms, IReadOnlyList<XetFetchRangeRef> fetches)
    {
        Terms = terms;
        Fetches = fetches;
    }

    public IReadOnlyList<XetPlannedTerm> Terms { get; }

    /// <summary>Every signed range terms use, each once.</summary>
    public IReadOnlyList<XetFetchRangeRef> Fetches { get; }

    public static XetReconstructionPlan FromV2(XetReconstructionV2 v2, long size) => Build(v2.OffsetIntoFirstRange, v2.Terms, RangesOf(v2), size);

    public static XetReconstructionPlan FromV1(XetReconstructionV1 v1, long size) => Build(v1.OffsetIntoFirstRange, v1.Terms, RangesOf(v1), size);

    /// <summary>The signed ranges of a (possibly ranged) reconstruction, checked, by xorb hash.</summary>
    public static Dictionary<string, List<XetFetchRangeRef>> RangesOf(XetReconstructionV2 v2)
    {
        var ranges = new Dictionary<string, List<XetFetchRangeRef>>(StringComparer.Ordinal);
        foreach ((string xorb, List<XetMultiRangeFetch> entries) in v2.Xorbs ?? [])
        {
            var list = new List<XetFetchRangeRef>();
            foreach (XetMultiRangeFetch? entry in entries ?? [])
            {
                if (entry is null) throw Malformed($"xorb {xorb} has a null fetch entry");
                Uri url = ParseUrl(entry.Url);
                var siblings = new List<XetFetchRangeRef>();
                foreach (XetFetchRange? range in entry.Ranges ?? [])
                {
                    if (range is null) throw Malformed($"xorb {xorb} has a null range");
                    siblings.Add(Range(xorb, url, range.Chunks, range.Bytes, siblings));
                }
                list.AddRange(siblings);
            }
            ranges[xorb] = list;
        }
        return ranges;
    }

    /// <inheritdoc cref="RangesOf(XetReconstructionV2)"/>
    public static Dictionary<string, List<XetFetchRangeRef>> RangesOf(XetReconstructionV1 v1)
    {
        var ranges = new Dictionary<string, List<XetFetchRangeRef>>(StringComparer.Ordinal);
        foreach ((string xorb, List<XetFetchInfoV1> entries) in v1.FetchInfo ?? [])
        {
            ranges[xorb] = [.. (entries ?? []).Select(e => e is null
                ? throw Malformed($"xorb {xorb} has a null fetch entry")
                : Range(xorb, ParseUrl(e.Url), e.Range, e.UrlRange, siblings: null))];
        }
        return ranges;
    }

    private static XetReconstructionPlan Build(long offsetIntoFirstRange, List<XetReconstructionTerm>? terms, Dictionary<string, List<XetFetchRangeRef>> ranges, long size)
    {
        if (offsetIntoFirstRange != 0) throw Malformed($"offset_into_first_range is {offsetIntoFirstRange} for a whole-file reconstruction");
        var planned = new List<XetPlannedTerm>();
        var used = new List<XetFetchRangeRef>();
        var seen = new HashSet<XetFetchRangeRef>(ReferenceEqualityComparer.Instance);
        long offset = 0;
        foreach (XetReconstructionTerm term in terms ?? [])
        {
            if (term is null || !XetHash.TryParse(term.Hash, out _)) throw Malformed("a term has no valid xorb hash");
            if (term.Range is null || term.Range.Start < 0 || term.Range.End <= term.Range.Start || term.Range.End > int.MaxValue)
            {
                throw Malformed($"term {planned.Count} has chunk range [{term.Range?.Start}, {term.Range?.End})");
            }
            if (term.UnpackedLength <= 0 || term.UnpackedLength > (term.Range.End - term.Range.Start) * XetChunkHeader.MaxUncompressedLength)
            {
                throw Malformed($"term {planned.Count} has unpacked_length {term.UnpackedLength}");
            }
            if (term.UnpackedLength > size - offset) throw Malformed($"term {planned.Count} ends past the file's {size} bytes");
            XetFetchRangeRef? fetch = ranges.TryGetValue(term.Hash, out List<XetFetchRangeRef>? candidates)
                ? candidates.FirstOrDefault(r => r.ChunkStart <= term.Range.Start && term.Range.End <= r.ChunkEnd)
                : null;
            if (fetch is null) throw Malformed($"no fetch range covers term {planned.Count} (xorb {term.Hash}, chunks [{term.Range.Start}, {term.Range.End}))");
            if (seen.Add(fetch)) used.Add(fetch);
            planned.Add(new XetPlannedTerm(planned.Count, offset, term.UnpackedLength, (int)term.Range.Start, (int)term.Range.End, fetch));
            offset += term.UnpackedLength;
        }
        if (offset != size) throw Malformed($"its terms add up to {offset} bytes, the file has {size}");
        return new XetReconstructionPlan(planned, used);
    }

    private static XetFetchRangeRef Range(string xorb, Uri url, XetIndexRange? chunks, XetIndexRange? bytes, List<XetFetchRangeRef>? siblings)
    {
        if (chunks is null || bytes is null || chunks.Start < 0 || chunks.End <= chunks.Start || chunks.End > int.MaxValue
            || bytes.Start < 0 || bytes.End < bytes.Start)
        {
            throw Malformed($"xorb {xorb} has an invalid fetch range");
        }
        // Its chunks cannot fill more (a header and at most MaxCompressedLength each): a longer range would have the client
        // read whatever the server sends after the chunks it needs, for ever.
        if (bytes.End - bytes.Start >= (chunks.End - chunks.Start) * MaxSerializedChunk)
        {
            throw Malformed($"xorb {xorb} has a fetch range of bytes [{bytes.Start}, {bytes.End}] for {chunks.End - chunks.Start} chunk(s)");
        }
        return new XetFetchRangeRef(xorb, url, (int)chunks.Start, (int)chunks.End, bytes.Start, bytes.End, siblings);
    }

    private static Uri ParseUrl(string? url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw Malformed("a xorb URL is not an http(s) URL");
        }
        return uri;
    }

    private const long MaxSerializedChunk = XetChunkHeader.Size + XetChunkHeader.MaxCompressedLength;

    private static XetUnavailableException Malformed(string why) => new($"Malformed Xet reconstruction: {why}.");
}

/// <summary>A term laid out in the file: bytes [Offset, Offset + Length) are chunks [ChunkStart, ChunkEnd) of <see cref="Fetch"/>'s xorb.</summary>
internal sealed record XetPlannedTerm(int Index, long Offset, long Length, int ChunkStart, int ChunkEnd, XetFetchRangeRef Fetch);

/// <summary>
/// One signed range of a xorb URL: chunks [ChunkStart, ChunkEnd) at bytes [ByteStart, ByteEnd] (inclusive).
/// <see cref="Siblings"/> are the ranges signed together on the same URL (v2), in signed order.
/// </summary>
internal sealed record XetFetchRangeRef(string Xorb, Uri Url, int ChunkStart, int ChunkEnd, long ByteStart, long ByteEnd, List<XetFetchRangeRef>? Siblings)
{
    public string RangeSpec => FormattableString.Invariant($"{ByteStart}-{ByteEnd}");
}
