using System.Runtime.ExceptionServices;
using Microsoft.Win32.SafeHandles;

namespace HubClient.Xet;

/// <summary>
/// Downloads one Xet-backed file into a preallocated file: reconstruction from the CAS, several xorb range fetches in
/// flight, chunks decoded as they stream in and written at their file offsets (memory per fetch is bounded whatever the
/// file's size), each term's <c>unpacked_length</c> checked, every batch of chunks written recorded in a
/// <see cref="XetTermLedger"/> (a rerun, or a retry of a dropped fetch, continues a term from its last written chunk), and
/// the Xet file hash recomputed from the chunk hashes and compared with the expected one before returning.
/// The caller checks the etag's hash (<see cref="WrittenPrefixHasher"/>, <see cref="XetVerification.CheckEtag"/>) and publishes.
/// </summary>
/// <remarks>
/// Failures that mean "fetch the file over the plain-HTTP bridge instead" are <see cref="XetUnavailableException"/>; a
/// wrong file hash is <see cref="HubIntegrityException"/> (the ledger is then deleted: its terms cannot be trusted).
/// </remarks>
internal sealed class XetFileDownloader
{
    private readonly XetCasClient _cas;
    private readonly XetDownloadOptions _options;

    public XetFileDownloader(HubHttp http, XetDownloadOptions? options = null)
    {
        _options = options ?? new XetDownloadOptions();
        _cas = new XetCasClient(http, new XetTokenProvider(http, _options.TokenRefreshMargin));
    }

    /// <summary>
    /// Writes the file's bytes into <paramref name="file"/> (opened for writing; its length is the file's size or will
    /// become it). <paramref name="ledgerPath"/> is the resume sidecar (null: no resume); it is deleted after a verified
    /// download. <paramref name="bytesWritten"/> receives increments of file bytes written.
    /// </summary>
    public Task DownloadAsync(XetFileRequest request, SafeFileHandle file, string? ledgerPath, Action<long>? bytesWritten, CancellationToken cancellationToken) =>
        DownloadAsync(request, file, ledgerPath, bytesWritten, bytesResumed: null, rangeWritten: null, reuse: null, cancellationToken);

    /// <summary>
    /// As above. <paramref name="bytesResumed"/> receives the bytes earlier runs wrote that this one keeps (null: they go to
    /// <paramref name="bytesWritten"/> too, as progress of the file). <paramref name="rangeWritten"/> also receives (file
    /// offset, length) of every range of the file that is on disk — each batch of chunks as it is written (from several
    /// fetches at once) and each part of a term a resumed ledger holds as it is checked on disk, both with their bytes, and
    /// each term copied from a held blob — so that the caller can hash the file in order while the download runs
    /// (<see cref="WrittenPrefixHasher"/>). <paramref name="reuse"/>: first copy the terms whose chunks the cache holds (null:
    /// fetch everything). If the assembled file's hash is wrong while some terms were copied, those terms are fetched and the
    /// hash checked once more (those ranges are reported again, as rewritten): a bad local source costs a refetch, never a
    /// bad file.
    /// </summary>
    public async Task<XetDownloadResult> DownloadAsync(XetFileRequest request, SafeFileHandle file, string? ledgerPath, Action<long>? bytesWritten,
        Action<long>? bytesResumed, WrittenRange? rangeWritten, XetReuse? reuse, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(file);
        if (!XetHash.TryParse(request.XetHash, out XetHash expected))
        {
            throw new HubProtocolException($"'{request.XetHash}' is not a Xet file hash.", null);
        }
        if (expected.IsZero || request.Size == 0)
        {
            if (!expected.IsZero || request.Size != 0)
            {
                throw new HubIntegrityException($"Xet file hash {request.XetHash} does not belong to a file of {request.Size} bytes.",
                    request.Path, request.XetHash, XetHash.Zero.ToString());
            }
            return XetDownloadResult.Empty;
        }

        using XetTermLedger ledger = ledgerPath is null ? XetTermLedger.None() : XetTermLedger.Open(ledgerPath, request.XetHash, request.Size);
        XetReconstructionPlan plan = await _cas.GetReconstructionAsync(request, cancellationToken).ConfigureAwait(false);

        // What the ledger says earlier runs wrote, each term's part checked on disk (several terms at once, in file order) and
        // handed to the etag's hash as it is read: the lowest term's bytes are hashed from this read, the others' moments
        // later while still in the page cache, instead of read again from disk after the whole check.
        var onDisk = new XetLedgerTerm?[plan.Terms.Count];
        await Parallel.ForEachAsync(plan.Terms, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken },
            async (term, token) =>
            {
                if (ledger.WrittenFrom(term.Offset, term.Length) is { } written)
                {
                    onDisk[term.Index] = await XetWrittenCheck.OnDiskPrefixAsync(file, written, rangeWritten, token).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);

        var done = new XetLedgerTerm?[plan.Terms.Count];
        var prefixes = new Dictionary<int, XetLedgerTerm>();
        long resumed = 0;
        foreach (XetPlannedTerm term in plan.Terms)
        {
            XetLedgerTerm? written = onDisk[term.Index];
            if (written is null) continue;
            if (written.Length < term.Length)
            {
                prefixes[term.Index] = written;
                continue;
            }
            done[term.Index] = written;
            resumed += term.Length;
        }

        long reused = 0;
        var copied = new List<int>();
        if (reuse is not null)
        {
            // A half-written term continues from its prefix, never copied over it: a copy that stops at a bad chunk would
            // leave bytes under the prefix that the ledger's chunk hashes do not describe.
            XetLedgerTerm?[] notToCopy = [.. done];
            foreach ((int index, XetLedgerTerm prefix) in prefixes) notToCopy[index] = prefix;
            foreach ((XetPlannedTerm term, XetLedgerTerm written) in await XetTermReuse.CopyHeldAsync(_cas, request, reuse, plan, notToCopy, file, cancellationToken).ConfigureAwait(false))
            {
                done[term.Index] = written;
                copied.Add(term.Index);
                reused += term.Length;
                rangeWritten?.Invoke(term.Offset, term.Length, default);
            }
            // Copied terms stay out of the ledger: a resumed run copies them again, so a record that lies is still refetched.
            if (reused > 0) reuse.BytesReused?.Invoke(reused);
        }
        foreach (XetLedgerTerm prefix in prefixes.Values) resumed += prefix.Length;
        if (resumed > 0) (bytesResumed ?? bytesWritten)?.Invoke(resumed);

        var context = new FetchContext(request, file, ledger, new OffsetOrderedGate(Math.Max(1, _options.MaxConcurrentDecodes)), bytesWritten, rangeWritten);
        await FetchMissingAsync(plan, done, prefixes, context, cancellationToken).ConfigureAwait(false);
        XetHash actual = FileHashOf(done);
        if (actual != expected && copied.Count > 0)
        {
            // A copied term passed its chunk hashes yet the file is wrong (a record that lies about its xorb ranges): fetch them.
            foreach (int index in copied) done[index] = null;
            reuse!.BytesReused?.Invoke(-reused);
            await FetchMissingAsync(plan, done, new Dictionary<int, XetLedgerTerm>(), context, cancellationToken).ConfigureAwait(false);
            actual = FileHashOf(done);
        }
        // Done with the ledger either way: a verified file needs no resume, and a wrong one's terms cannot be trusted.
        ledger.Dispose();
        if (ledgerPath is not null) File.Delete(ledgerPath);
        if (actual != expected)
        {
            throw new HubIntegrityException(
                $"Xet file hash mismatch for {request.Path}: the chunks assembled hash to {actual}, X-Xet-Hash says {expected}.",
                request.Path, expected.ToString(), actual.ToString());
        }
        return new XetDownloadResult([.. plan.Terms.Select(t => (t, done[t.Index]!))]);
    }

    /// <summary>
    /// Fetches the terms not yet <paramref name="done"/>, each from the end of its written prefix (<paramref name="prefixes"/>,
    /// from the ledger) on; every batch of chunks written is recorded in the ledger.
    /// </summary>
    private async Task FetchMissingAsync(XetReconstructionPlan plan, XetLedgerTerm?[] done, Dictionary<int, XetLedgerTerm> prefixes, FetchContext context,
        CancellationToken cancellationToken)
    {
        var terms = new List<TermFetch>();
        foreach (XetPlannedTerm term in plan.Terms)
        {
            if (done[term.Index] is null) terms.Add(new TermFetch(term, prefixes.GetValueOrDefault(term.Index)));
        }
        await NarrowAsync(context.Request, terms, refused: false, cancellationToken).ConfigureAwait(false);
        Task fetches = Parallel.ForEachAsync(PlanJobs(terms), new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _options.MaxConcurrentFetches), CancellationToken = cancellationToken },
            async (job, token) => await RunJobAsync(job, context, token).ConfigureAwait(false));
        try
        {
            await fetches.ConfigureAwait(false);
        }
        catch (XetUnavailableException e) when (!e.WrittenBytesSuspect
            && fetches.Exception?.InnerExceptions.OfType<XetUnavailableException>().FirstOrDefault(x => x.WrittenBytesSuspect) is { } suspect)
        {
            // Another fetch found the reconstruction malformed: that is what the caller must hear (its bytes are not kept).
            // Best effort: a fetch stopped by the first failure may not have got as far as seeing it; the etag's hash,
            // which a handover requires, still catches misplaced bytes.
            ExceptionDispatchInfo.Capture(suspect).Throw();
        }
        foreach (TermFetch term in terms) done[term.Term.Index] = new XetLedgerTerm(term.Term.Offset, term.Term.Length, term.Chunks);
    }

    /// <summary>
    /// Points the rest of the terms that share a signed range (a CAS may sign one range for several terms of a xorb; a
    /// file that repeats itself has several terms on the same chunks) at the range the CAS gives now for the file bytes
    /// from the unwritten start of the one that got least far to the end of the last (a ranged reconstruction: the first
    /// term is cut to the chunk where the range starts; its URL is freshly signed), unless that range is wider than the one
    /// they have; otherwise their rest is read from their own range, the written chunks skipped. The terms keep sharing
    /// one range. Only groups whose rest starts past their range's first chunk are asked about, or every group when their
    /// URL was <paramref name="refused"/>.
    /// </summary>
    private async Task NarrowAsync(XetFileRequest request, List<TermFetch> terms, bool refused, CancellationToken cancellationToken)
    {
        IEnumerable<IGrouping<XetFetchRangeRef, TermFetch>> groups = terms.GroupBy(t => t.Fetch, ReferenceEqualityComparer.Instance as IEqualityComparer<XetFetchRangeRef>)
            .Where(g => refused || g.Min(t => t.NextChunk) > g.Key.ChunkStart);
        await Task.WhenAll(groups.Select(async group =>
        {
            TermFetch lead = group.MinBy(t => t.NextChunk)!;
            long last = group.Max(t => t.Term.Offset + t.Term.Length) - 1;
            Dictionary<string, List<XetFetchRangeRef>> ranges;
            try
            {
                ranges = await _cas.GetFetchRangesAsync(request, lead.Term.Offset + lead.Durable, last, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                return; // No narrower range to be had: the terms' own range still holds the rest.
            }
            foreach (TermFetch term in group)
            {
                XetFetchRangeRef? fit = ranges.GetValueOrDefault(term.Fetch.Xorb)?.FirstOrDefault(r => r.ChunkStart <= term.NextChunk && term.Term.ChunkEnd <= r.ChunkEnd);
                if (fit is not null && fit.ByteEnd - fit.ByteStart <= term.Fetch.ByteEnd - term.Fetch.ByteStart) term.Fetch = fit;
            }
        })).ConfigureAwait(false);
    }

    private static XetHash FileHashOf(XetLedgerTerm?[] done) => XetHasher.FileHash(done.SelectMany(term => term!.Chunks));

    /// <summary>
    /// Groups unfinished terms into requests: one per signed range, or (multi-range mode) one per signed URL with all its
    /// needed ranges.
    /// </summary>
    private List<XetFetchJob> PlanJobs(List<TermFetch> terms)
    {
        var byRange = new Dictionary<XetFetchRangeRef, List<TermFetch>>(ReferenceEqualityComparer.Instance);
        var order = new List<XetFetchRangeRef>();
        foreach (TermFetch term in terms)
        {
            if (!byRange.TryGetValue(term.Fetch, out List<TermFetch>? list))
            {
                byRange[term.Fetch] = list = [];
                order.Add(term.Fetch);
            }
            list.Add(term);
        }
        var jobs = new List<XetFetchJob>();
        var grouped = new HashSet<XetFetchRangeRef>(ReferenceEqualityComparer.Instance);
        foreach (XetFetchRangeRef range in order)
        {
            if (grouped.Contains(range)) continue;
            List<XetFetchRangeRef> ranges = [range];
            if (_options.UseMultiRangeRequests && range.Siblings is { Count: > 1 } siblings)
            {
                ranges = [.. siblings.Where(byRange.ContainsKey)];
            }
            foreach (XetFetchRangeRef r in ranges) grouped.Add(r);
            jobs.Add(new XetFetchJob(range.Url, ranges, [.. ranges.SelectMany(r => byRange[r])]));
        }
        return jobs;
    }

    /// <summary>
    /// Runs a request; when its connection drops or stalls mid-body, or its signed URL is refused, what it wrote stays and
    /// the rest of each of its terms is asked for again (from a narrower or freshly signed range where the CAS gives one),
    /// up to <see cref="XetDownloadOptions.MaxFetchAttempts"/> failures in a row without progress.
    /// </summary>
    private async Task RunJobAsync(XetFetchJob job, FetchContext context, CancellationToken cancellationToken)
    {
        var queue = new Queue<XetFetchJob>([job]);
        int failures = 0;
        while (queue.TryDequeue(out XetFetchJob? next))
        {
            long before = next.Terms.Sum(t => t.Durable);
            try
            {
                await FetchJobAsync(next, context, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is IOException or HttpRequestException or TimeoutException
                && e is not LocalWriteException)
            {
                // As on plain HTTP, only failures in a row without progress count: a long download over a flaky link keeps going.
                if (next.Terms.Sum(t => t.Durable) > before) failures = 0;
                if (++failures >= _options.MaxFetchAttempts)
                {
                    throw new XetUnavailableException(FormattableString.Invariant(
                        $"Xorb request to {next.Url.GetLeftPart(UriPartial.Path)} failed {failures} times in a row without progress: {e.Message}"), e);
                }
                List<TermFetch> rest = [.. next.Terms.Where(t => t.Durable < t.Term.Length)];
                await NarrowAsync(context.Request, rest, refused: e is XetUrlRefusedException, cancellationToken).ConfigureAwait(false);
                foreach (XetFetchJob again in PlanJobs(rest)) queue.Enqueue(again);
            }
        }
    }

    private async Task FetchJobAsync(XetFetchJob job, FetchContext context, CancellationToken cancellationToken)
    {
        foreach (TermFetch term in job.Terms) term.Rewind();
        string spec = string.Join(',', job.Ranges.Select(r => r.RangeSpec));
        using HttpResponseMessage response = await _cas.GetXorbRangesAsync(job.Url, spec, cancellationToken).ConfigureAwait(false);
        Stream body = new IdleTimeoutStream(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false),
            _cas.Http.Options.DownloadTimeout, _cas.Http.Options.TimeProvider, "xorb bytes");
        await using (body.ConfigureAwait(false))
        {
            using var batch = new XetWriteBatch(context.File, _options.WriteBufferSize, () => Flushed(job, context), context.RangeWritten);
            try
            {
                using var decoder = new XetChunkDecoder(job.Url);
                if (job.Ranges.Count == 1)
                {
                    XetFetchRangeRef range = job.Ranges[0];
                    if (response.Content.Headers.ContentRange is not { From: { } from, To: { } to } || from != range.ByteStart || to != range.ByteEnd)
                    {
                        throw new XetUnavailableException($"Xorb answer's Content-Range '{response.Content.Headers.ContentRange}' is not the signed range {spec}.");
                    }
                    await ReadRangeAsync(body, range, job, decoder, batch, context.Gate, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    string boundary = MultipartByteRangesReader.BoundaryOf(response.Content.Headers.ContentType)
                        ?? throw new XetUnavailableException($"A multi-range xorb request was answered with '{response.Content.Headers.ContentType}', not multipart/byteranges.");
                    using var parts = new MultipartByteRangesReader(body, boundary, job.Url);
                    var pending = new List<XetFetchRangeRef>(job.Ranges);
                    while (await parts.NextPartAsync(cancellationToken).ConfigureAwait(false) is { } part)
                    {
                        XetFetchRangeRef range = pending.FirstOrDefault(r => r.ByteStart == part.First && r.ByteEnd == part.Last)
                            ?? throw new XetUnavailableException($"Xorb multipart answer has a part {part.First}-{part.Last} that was not asked for.");
                        pending.Remove(range);
                        await ReadRangeAsync(parts, range, job, decoder, batch, context.Gate, cancellationToken).ConfigureAwait(false);
                    }
                    if (pending.Count > 0) throw new XetTruncatedException($"Xorb multipart answer ended without {pending.Count} of its ranges.");
                }
                await batch.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (EndOfStreamException e)
            {
                await KeepWrittenAsync(batch).ConfigureAwait(false);
                throw new XetTruncatedException($"Xorb answer from {job.Url.GetLeftPart(UriPartial.Path)} ended early.", e);
            }
            catch (Exception e) when (e is IOException or HttpRequestException or TimeoutException or OperationCanceledException)
            {
                await KeepWrittenAsync(batch).ConfigureAwait(false);
                throw;
            }
            catch (HubProtocolException e)
            {
                // Bytes that do not decode: the xorb (or the transfer) is corrupt.
                throw new HubIntegrityException($"Xorb data from {job.Url.GetLeftPart(UriPartial.Path)} is corrupt: {e.Message}",
                    job.Ranges[0].Xorb, "valid xorb chunks", e.Message);
            }
            foreach (TermFetch term in job.Terms)
            {
                if (term.Written != term.Term.Length)
                {
                    throw new XetUnavailableException(FormattableString.Invariant(
                        $"Malformed Xet reconstruction: term {term.Term.Index} has unpacked_length {term.Term.Length}, its chunks decode to {term.Written} bytes."))
                    {
                        WrittenBytesSuspect = true,
                    };
                }
            }
        }
    }

    /// <summary>
    /// Writes the chunks a failed or cancelled request decoded in full, so that they count as written (for the retry, and
    /// in the ledger for a rerun); a write that fails too leaves them uncounted.
    /// </summary>
    private static async Task KeepWrittenAsync(XetWriteBatch batch)
    {
        try
        {
            await batch.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // Uncounted: fetched again.
        }
    }

    /// <summary>
    /// After a batch write every chunk the request's terms hold is in the file: record the new spans in the ledger, then
    /// count them as written and report them (each byte once: a retry continues from what is written, never before it).
    /// </summary>
    private static void Flushed(XetFetchJob job, FetchContext context)
    {
        List<XetLedgerTerm>? spans = null;
        foreach (TermFetch term in job.Terms)
        {
            if (term.Chunks.Count > term.DurableChunks)
            {
                (spans ??= []).Add(new XetLedgerTerm(term.Term.Offset + term.Durable, term.Written - term.Durable,
                    term.Chunks.GetRange(term.DurableChunks, term.Chunks.Count - term.DurableChunks)));
            }
        }
        if (spans is null) return;
        context.Ledger.Record(spans);
        long progress = 0;
        foreach (TermFetch term in job.Terms)
        {
            progress += term.Written - term.Durable;
            term.Durable = term.Written;
            term.DurableChunks = term.Chunks.Count;
        }
        context.BytesWritten?.Invoke(progress);
    }

    /// <summary>Streams the chunks of one signed range, writing each into every term that uses it.</summary>
    private static async Task ReadRangeAsync(Stream body, XetFetchRangeRef range, XetFetchJob job, XetChunkDecoder decoder, XetWriteBatch batch,
        OffsetOrderedGate gate, CancellationToken cancellationToken)
    {
        long expectedBytes = range.ByteEnd - range.ByteStart + 1;
        var counting = new CountingStream(body, expectedBytes);
        TermFetch[] users = [.. job.Terms.Where(t => ReferenceEquals(t.Fetch, range))];
        int lastNeeded = users.Length == 0 ? range.ChunkStart : users.Max(t => t.Term.ChunkEnd);
        for (int index = range.ChunkStart; index < range.ChunkEnd; index++)
        {
            if (index >= lastNeeded)
            {
                await counting.SkipRestAsync(cancellationToken).ConfigureAwait(false);
                break;
            }
            // The chunk is decoded where the first term using it continues; a term that starts later with the same chunk
            // (a file repeating itself) gets a copy written on its own.
            TermFetch? first = null;
            foreach (TermFetch user in users)
            {
                if (user.Uses(index))
                {
                    first = user;
                    break;
                }
            }
            long firstOffset = first is null ? batch.End : first.Term.Offset + first.Written;
            await decoder.ReadAsync(counting, cancellationToken).ConfigureAwait(false);
            Memory<byte> chunk = await batch.NextAsync(firstOffset, cancellationToken).ConfigureAwait(false);
            int length;
            XetHash hash;
            await gate.EnterAsync(firstOffset, cancellationToken).ConfigureAwait(false);
            try
            {
                length = decoder.DecodeRead(chunk.Span);
                if (first is null) continue;
                hash = XetHasher.ChunkHash(chunk.Span[..length]);
            }
            finally
            {
                gate.Exit();
            }
            foreach (TermFetch user in users)
            {
                if (!user.Uses(index)) continue;
                if (user.Written + length > user.Term.Length)
                {
                    throw new XetUnavailableException(FormattableString.Invariant(
                        $"Malformed Xet reconstruction: term {user.Term.Index} has unpacked_length {user.Term.Length}, its chunks decode to more."))
                    {
                        WrittenBytesSuspect = true,
                    };
                }
                if (ReferenceEquals(user, first)) batch.Commit(length);
                else await batch.WriteNowAsync(chunk[..length], user.Term.Offset + user.Written, cancellationToken).ConfigureAwait(false);
                user.Written += length;
                user.Chunks.Add(new XetChunkHash(hash, length));
            }
        }
        if (counting.Remaining != 0 && lastNeeded >= range.ChunkEnd)
        {
            throw new HubIntegrityException($"Xorb range {range.RangeSpec} of {range.Xorb} holds {counting.Remaining} bytes after its last chunk.",
                range.Xorb, "chunks filling the range", "trailing bytes");
        }
    }

    private sealed record XetFetchJob(Uri Url, List<XetFetchRangeRef> Ranges, List<TermFetch> Terms);

    private sealed record FetchContext(XetFileRequest Request, SafeFileHandle File, XetTermLedger Ledger, OffsetOrderedGate Gate, Action<long>? BytesWritten,
        WrittenRange? RangeWritten);

    /// <summary>
    /// An unfinished term across requests: its chunks from the term's start (a previous run's prefix, then what each
    /// request decodes), how far of them are in the file, the ledger and the progress (<see cref="Durable"/>: all three
    /// advance together after each batch write), and
    /// the signed range its rest comes from.
    /// </summary>
    private sealed class TermFetch
    {
        private int _firstChunk;

        public TermFetch(XetPlannedTerm term, XetLedgerTerm? prefix)
        {
            Term = term;
            Fetch = term.Fetch;
            if (prefix is null) return;
            Chunks.AddRange(prefix.Chunks);
            Written = Durable = prefix.Length;
            DurableChunks = prefix.Chunks.Count;
        }

        public XetPlannedTerm Term { get; }

        /// <summary>The signed range holding the rest: the term's own, or a narrower one for its unwritten chunks.</summary>
        public XetFetchRangeRef Fetch { get; set; }

        /// <summary>Chunks from the term's start: <see cref="DurableChunks"/> in the file, then any pending in a write batch.</summary>
        public List<XetChunkHash> Chunks { get; } = [];

        /// <summary>Bytes from the term's start handed to a write batch.</summary>
        public long Written { get; set; }

        /// <summary>Bytes from the term's start that are in the file (and in the ledger, and reported).</summary>
        public long Durable { get; set; }

        public int DurableChunks { get; set; }

        /// <summary>The xorb chunk the term's rest starts at.</summary>
        public int NextChunk => Term.ChunkStart + DurableChunks;

        /// <summary>Starts a request from what is in the file.</summary>
        public void Rewind()
        {
            Chunks.RemoveRange(DurableChunks, Chunks.Count - DurableChunks);
            Written = Durable;
            _firstChunk = NextChunk;
        }

        /// <summary>Whether chunk <paramref name="index"/> of the xorb is one this request writes for the term.</summary>
        public bool Uses(int index) => index >= _firstChunk && index < Term.ChunkEnd;
    }
}
