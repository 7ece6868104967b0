using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace HubClient.Testing;

/// <summary>
/// The fake hub's Xet side: read tokens (<c>/api/{type}s/{repo}/xet-read-token/{rev}</c>), the CAS's v1 and v2
/// reconstructions (with <c>Range</c> and 416) on the CDN host name, and signed xorb URLs that accept only their signed
/// ranges (all at once as <c>multipart/byteranges</c>, or any subset, each exact).
/// </summary>
internal sealed class FakeCas
{
    private readonly FakeHub _hub;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _tokens = new();
    private int _issued;

    public FakeCas(FakeHub hub) => _hub = hub;

    public async Task ServeTokenAsync(HttpContext context, FakeRepo repo, string revision, FakeFault? fault)
    {
        if (repo.Resolve(revision) is null)
        {
            await FakeHubRouter.WriteErrorAsync(context, 404, "RevisionNotFound", $"Invalid rev id: {revision}").ConfigureAwait(false);
            return;
        }
        string token = "xet_" + Interlocked.Increment(ref _issued).ToString(CultureInfo.InvariantCulture);
        DateTimeOffset expires = DateTimeOffset.UtcNow + (fault?.Kind == FaultKind.ExpiredXetToken ? TimeSpan.FromMinutes(-5) : _hub.XetTokenLifetime);
        _tokens[token] = expires;
        string exp = expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["X-Xet-Access-Token"] = token;
        context.Response.Headers["X-Xet-Token-Expiration"] = exp;
        context.Response.Headers["X-Xet-Cas-Url"] = _hub.CasEndpoint;
        await WriteJsonAsync(context, w =>
        {
            w.WriteString("accessToken", token);
            w.WriteNumber("exp", expires.ToUnixTimeSeconds());
            w.WriteString("casUrl", _hub.CasEndpoint);
        }).ConfigureAwait(false);
    }

    /// <summary>The <c>Link</c> header of a Xet file's resolve answer.</summary>
    public string LinkHeader(RepoType type, string repoId, string commit, FakeFile file) =>
        $"<{_hub.Endpoint}/api/{type.Plural()}/{repoId}/xet-read-token/{commit}>; rel=\"xet-auth\", <{_hub.CasEndpoint}/v1/reconstructions/{file.XetHash}>; rel=\"xet-reconstruction-info\"";

    /// <summary>Serves <c>/cas/…</c> and <c>/xorbs/…</c>; false for other paths.</summary>
    public async Task<bool> HandleAsync(HttpContext context, RawPath raw, FakeHubRequest log, FakeFault? fault)
    {
        string[] s = raw.Segments;
        if (s.Length == 4 && s[0] == "cas" && s[1] is "v1" or "v2" && s[2] == "reconstructions")
        {
            await ServeReconstructionAsync(context, s[1] == "v2", s[3], fault).ConfigureAwait(false);
            return true;
        }
        if (s.Length == 2 && s[0] == "xorbs")
        {
            await ServeXorbAsync(context, s[1], log, fault).ConfigureAwait(false);
            return true;
        }
        return false;
    }

    private async Task ServeReconstructionAsync(HttpContext context, bool v2, string hash, FakeFault? fault)
    {
        string? auth = context.Request.Headers.Authorization;
        if (auth is null || !auth.StartsWith("Bearer ", StringComparison.Ordinal)
            || !_tokens.TryGetValue(auth[7..], out DateTimeOffset expires) || expires <= DateTimeOffset.UtcNow)
        {
            await FakeHubRouter.WriteErrorAsync(context, 401, null, "Invalid or expired Xet token").ConfigureAwait(false);
            return;
        }
        FakeFile? file = _hub.XetFiles.FirstOrDefault(f => f.XetHash == hash);
        if (file is null)
        {
            await FakeHubRouter.WriteErrorAsync(context, 404, null, "File not found").ConfigureAwait(false);
            return;
        }
        FakeXetFile layout = file.XetLayout(_hub);
        ByteRange range = ByteRange.Parse(context.Request.Headers.Range, file.Size);
        if (range.Unsatisfiable)
        {
            context.Response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
            return;
        }
        // As xet-core's simulation CAS: the terms covering the range, the first and last cut to the chunks holding its ends.
        var terms = layout.Terms.Where(t => t.FileOffset + t.Length > range.Start && t.FileOffset <= range.End)
            .Select(t => ShrinkTo(t, file.XetChunks!, range.Start, range.End)).ToList();
        long[] lengths = [.. terms.Select(t => t.Length)];
        if (fault?.Kind == FaultKind.WrongUnpackedLength && lengths.Length > 0)
        {
            lengths[0]++;
            if (lengths.Length > 1) lengths[1]--;
        }
        await WriteJsonAsync(context, w =>
        {
            w.WriteNumber("offset_into_first_range", terms.Count == 0 ? 0 : range.Start - terms[0].FileOffset);
            w.WriteStartArray("terms");
            for (int i = 0; i < terms.Count; i++)
            {
                w.WriteStartObject();
                w.WriteString("hash", terms[i].Xorb.Hash);
                w.WriteNumber("unpacked_length", lengths[i]);
                WriteRange(w, "range", terms[i].ChunkStart, terms[i].ChunkEnd);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartObject(v2 ? "xorbs" : "fetch_info");
            foreach (IGrouping<FakeXorb, FakeXetTerm> xorb in terms.GroupBy(t => t.Xorb))
            {
                w.WriteStartArray(xorb.Key.Hash);
                FakeXetTerm[] signed = _hub.XetMergeFetchRanges ? Merge(xorb) : [.. xorb.DistinctBy(t => (t.ChunkStart, t.ChunkEnd))];
                if (v2)
                {
                    w.WriteStartObject();
                    w.WriteString("url", XorbUrl(xorb.Key, signed));
                    w.WriteStartArray("ranges");
                    foreach (FakeXetTerm t in signed)
                    {
                        w.WriteStartObject();
                        WriteRange(w, "chunks", t.ChunkStart, t.ChunkEnd);
                        WriteRange(w, "bytes", t.ByteStart, t.ByteEnd);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                else
                {
                    foreach (FakeXetTerm t in signed)
                    {
                        w.WriteStartObject();
                        WriteRange(w, "range", t.ChunkStart, t.ChunkEnd);
                        w.WriteString("url", XorbUrl(xorb.Key, [t]));
                        WriteRange(w, "url_range", t.ByteStart, t.ByteEnd);
                        w.WriteEndObject();
                    }
                }
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    /// <summary><paramref name="term"/> without its chunks that end before <paramref name="first"/> or start after <paramref name="last"/>.</summary>
    private static FakeXetTerm ShrinkTo(FakeXetTerm term, IReadOnlyList<(int Offset, int Length)> chunks, long first, long last)
    {
        int lo = 0, hi = chunks.Count - 1;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (chunks[mid].Offset < term.FileOffset) lo = mid + 1;
            else hi = mid;
        }
        int start = term.ChunkStart, end = term.ChunkEnd, head = lo, tail = lo + (term.ChunkEnd - term.ChunkStart) - 1;
        while (chunks[head].Offset + chunks[head].Length <= first)
        {
            head++;
            start++;
        }
        while (chunks[tail].Offset > last)
        {
            tail--;
            end--;
        }
        long offset = chunks[head].Offset;
        return new FakeXetTerm(term.Xorb, start, end, offset, chunks[tail].Offset + chunks[tail].Length - offset);
    }

    /// <summary>The terms' chunk ranges of one xorb with adjacent or overlapping ones merged, in chunk order (only their ranges are used).</summary>
    private static FakeXetTerm[] Merge(IEnumerable<FakeXetTerm> terms)
    {
        var merged = new List<FakeXetTerm>();
        foreach (FakeXetTerm t in terms.OrderBy(t => t.ChunkStart))
        {
            if (merged.Count > 0 && t.ChunkStart <= merged[^1].ChunkEnd)
            {
                merged[^1] = merged[^1] with { ChunkEnd = Math.Max(merged[^1].ChunkEnd, t.ChunkEnd) };
            }
            else
            {
                merged.Add(t);
            }
        }
        return [.. merged];
    }

    private string XorbUrl(FakeXorb xorb, IEnumerable<FakeXetTerm> signed) =>
        $"{_hub.CdnEndpoint}/xorbs/{xorb.Hash}?ranges={string.Join(',', signed.Select(t => Spec(t.ByteStart, t.ByteEnd)))}&X-Xet-Signature=fake";

    private async Task ServeXorbAsync(HttpContext context, string hash, FakeHubRequest log, FakeFault? fault)
    {
        FakeXorb? xorb = _hub.XetStore.Xorb(hash);
        if (xorb is null)
        {
            // Layouts are built on first use: a xorb URL asked for before its file's reconstruction was served.
            foreach (FakeFile file in _hub.XetFiles) file.XetLayout(_hub);
            xorb = _hub.XetStore.Xorb(hash);
        }
        string[] signed = (context.Request.Query["ranges"].ToString() ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
        string? header = context.Request.Headers.Range;
        string[] asked = header is not null && header.StartsWith("bytes=", StringComparison.Ordinal)
            ? header[6..].Split(',', StringSplitOptions.TrimEntries) : [];
        if (xorb is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        // A signed URL is good for its ranges exactly: all of them, or any subset, each as signed.
        if (asked.Length == 0 || asked.Distinct().Count() != asked.Length || asked.Any(a => !signed.Contains(a)))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }
        var parts = asked.Select(a =>
        {
            int dash = a.IndexOf('-', StringComparison.Ordinal);
            long first = long.Parse(a[..dash], CultureInfo.InvariantCulture);
            long last = long.Parse(a[(dash + 1)..], CultureInfo.InvariantCulture);
            return (First: first, Last: last);
        }).ToList();
        long total = xorb.Bytes.LongLength;
        byte[] body;
        context.Response.StatusCode = StatusCodes.Status206PartialContent;
        if (parts.Count == 1)
        {
            body = xorb.Bytes.AsSpan((int)parts[0].First, (int)(parts[0].Last - parts[0].First + 1)).ToArray();
            if (fault?.Kind == FaultKind.CorruptByte && fault.Bytes < body.Length) body[fault.Bytes] ^= 0xFF;
            context.Response.Headers.ContentRange = $"bytes {Spec(parts[0].First, parts[0].Last)}/{total}";
            context.Response.ContentType = "application/octet-stream";
        }
        else
        {
            string boundary = "fakecas" + Guid.NewGuid().ToString("N")[..12];
            using var output = new MemoryStream();
            bool corrupted = false;
            foreach ((long first, long last) in parts)
            {
                output.Write(Encoding.ASCII.GetBytes($"\r\n--{boundary}\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes {Spec(first, last)}/{total}\r\n\r\n"));
                byte[] part = xorb.Bytes.AsSpan((int)first, (int)(last - first + 1)).ToArray();
                if (fault?.Kind == FaultKind.CorruptByte && !corrupted && fault.Bytes < part.Length)
                {
                    part[fault.Bytes] ^= 0xFF;
                    corrupted = true;
                }
                output.Write(part);
            }
            output.Write(Encoding.ASCII.GetBytes($"\r\n--{boundary}--\r\n"));
            body = output.ToArray();
            context.Response.ContentType = "multipart/byteranges; boundary=" + boundary;
        }
        context.Response.ContentLength = body.Length;
        await BodyWriter.WriteAsync(context, log, body, fault).ConfigureAwait(false);
    }

    private static string Spec(long first, long last) => string.Create(CultureInfo.InvariantCulture, $"{first}-{last}");

    private static void WriteRange(Utf8JsonWriter w, string name, long start, long end)
    {
        w.WriteStartObject(name);
        w.WriteNumber("start", start);
        w.WriteNumber("end", end);
        w.WriteEndObject();
    }

    private static async Task WriteJsonAsync(HttpContext context, Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer)) { w.WriteStartObject(); write(w); w.WriteEndObject(); }
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = buffer.Length;
        await context.Response.Body.WriteAsync(buffer.ToArray()).ConfigureAwait(false);
    }
}
