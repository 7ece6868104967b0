using Microsoft.Win32.SafeHandles;

namespace HubClient.Xet;

/// <summary>
/// Downloads one Xet-backed file into a preallocated file: reconstruction from the CAS, several xorb range fetches in
/// flight, chunks decoded as they stream in and written at their file offsets (memory per fetch is bounded whatever the
/// file's size), each term's <c>unpacked_length</c> checked, finished terms recorded in a <see cref="XetTermLedger"/>,
/// and the Xet file hash recomputed from the chunk hashes and compared with the expected one before returning.
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
        DownloadAsync(request, file, ledgerPath, bytesWritten, rangeWritten: null, reuse: null, cancellationToken);

    /// <summary>
    /// As above. <paramref name="rangeWritten"/> also receives (file offset, length) of every range of the file that is on
    /// disk — each chunk as it is written (from several fetches at once), each term copied from a held blob and each term a
    /// resumed ledger already holds — so that the caller can hash the file in order while the download runs
    /// (<see cref="WrittenPrefixHasher"/>). <paramref name="reuse"/>: first copy the terms whose chunks the cache holds (null:
    /// fetch everything). If the assembled file's hash is wrong while some terms were copied, those terms are fetched and the
    /// hash checked once more (those ranges are reported again, as rewritten): a bad local source costs a refetch, never a
    /// bad file.
    /// </summary>
    public async Task<XetDownloadResult> DownloadAsync(XetFileRequest request, SafeFileHandle file, string? ledgerPath, Action<long>? bytesWritten,
        WrittenRange? rangeWritten, XetReuse? reuse, CancellationToken cancellationToken)
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

        var done = new XetLedgerTerm?[plan.Terms.Count];
        long resumed = 0;
        foreach (XetPlannedTerm term in plan.Terms)
        {
            if (ledger.Terms.TryGetValue(term.Offset, out XetLedgerTerm? recorded) && recorded.Length == term.Length)
            {
                done[term.Index] = recorded;
                resumed += term.Length;
                rangeWritten?.Invoke(term.Offset, term.Length, default);
            }
        }
        if (resumed > 0) bytesWritten?.Invoke(resumed);

        long reused = 0;
        var copied = new List<int>();
        if (reuse is not null)
        {
            foreach ((XetPlannedTerm term, XetLedgerTerm written) in await XetTermReuse.CopyHeldAsync(_cas, request, reuse, plan, done, file, cancellationToken).ConfigureAwait(false))
            {
                done[term.Index] = written;
                copied.Add(term.Index);
                reused += term.Length;
                rangeWritten?.Invoke(term.Offset, term.Length, default);
            }
            // Copied terms stay out of the ledger: a resumed run copies them again, so a record that lies is still refetched.
            if (reused > 0) reuse.BytesReused?.Invoke(reused);
        }

        await FetchMissingAsync(plan, done, file, ledger, bytesWritten, rangeWritten, cancellationToken).ConfigureAwait(false);
        XetHash actual = FileHashOf(done);
        if (actual != expected && copied.Count > 0)
        {
            // A copied term passed its chunk hashes yet the file is wrong (a record that lies about its xorb ranges): fetch them.
            foreach (int index in copied) done[index] = null;
            reuse!.BytesReused?.Invoke(-reused);
            await FetchMissingAsync(plan, done, file, ledger, bytesWritten, rangeWritten, cancellationToken).ConfigureAwait(false);
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

    /// <summary>Fetches the terms not yet <paramref name="done"/>, recording each in the ledger.</summary>
    private async Task FetchMissingAsync(XetReconstructionPlan plan, XetLedgerTerm?[] done, SafeFileHandle file, XetTermLedger ledger,
        Action<long>? bytesWritten, WrittenRange? rangeWritten, CancellationToken cancellationToken)
    {
        List<XetFetchJob> jobs = PlanJobs(plan, done);
        var gate = new OffsetOrderedGate(Math.Max(1, _options.MaxConcurrentDecodes));
        await Parallel.ForEachAsync(jobs, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _options.MaxConcurrentFetches), CancellationToken = cancellationToken },
            async (job, token) =>
            {
                IReadOnlyList<XetLedgerTerm> finished = await RunJobAsync(job, file, gate, bytesWritten, rangeWritten, token).ConfigureAwait(false);
                foreach (XetLedgerTerm term in finished) done[job.Terms.First(t => t.Offset == term.Offset).Index] = term;
                ledger.Record(finished);
            }).ConfigureAwait(false);
    }

    private static XetHash FileHashOf(XetLedgerTerm?[] done)
    {
        var chunks = new List<XetChunkHash>();
        foreach (XetLedgerTerm? term in done) chunks.AddRange(term!.Chunks);
        return XetHasher.FileHash(chunks);
    }

    /// <summary>
    /// Groups the unfinished terms into requests: one per signed range, or (multi-range mode) one per signed URL with
    /// all its needed ranges.
    /// </summary>
    private List<XetFetchJob> PlanJobs(XetReconstructionPlan plan, XetLedgerTerm?[] done)
    {
        var byRange = new Dictionary<XetFetchRangeRef, List<XetPlannedTerm>>(ReferenceEqualityComparer.Instance);
        var order = new List<XetFetchRangeRef>();
        foreach (XetPlannedTerm term in plan.Terms)
        {
            if (done[term.Index] is not null) continue;
            if (!byRange.TryGetValue(term.Fetch, out List<XetPlannedTerm>? list))
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

    private async Task<IReadOnlyList<XetLedgerTerm>> RunJobAsync(XetFetchJob job, SafeFileHandle file, OffsetOrderedGate gate, Action<long>? bytesWritten,
        WrittenRange? rangeWritten, CancellationToken cancellationToken)
    {
        long reported = 0;
        for (int attempt = 1; ; attempt++)
        {
            // A retry reports again the ranges it writes over: the caller's hash (WrittenPrefixHasher) sees the rewrite.
            long written = 0;
            void Progress(long n)
            {
                written += n;
                if (written > reported)
                {
                    bytesWritten?.Invoke(written - reported);
                    reported = written;
                }
            }
            try
            {
                return await FetchJobAsync(job, file, gate, Progress, rangeWritten, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (attempt < _options.MaxFetchAttempts && !cancellationToken.IsCancellationRequested
                && e is IOException or HttpRequestException or TimeoutException)
            {
                // The connection dropped or stalled mid-body: the same signed ranges again.
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is IOException or HttpRequestException or TimeoutException)
            {
                throw new XetUnavailableException($"Xorb request to {job.Url.GetLeftPart(UriPartial.Path)} kept failing: {e.Message}", e);
            }
        }
    }

    private async Task<IReadOnlyList<XetLedgerTerm>> FetchJobAsync(XetFetchJob job, SafeFileHandle file, OffsetOrderedGate gate, Action<long> progress,
        WrittenRange? rangeWritten, CancellationToken cancellationToken)
    {
        string spec = string.Join(',', job.Ranges.Select(r => r.RangeSpec));
        using HttpResponseMessage response = await _cas.GetXorbRangesAsync(job.Url, spec, cancellationToken).ConfigureAwait(false);
        Stream body = new IdleTimeoutStream(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), _cas.Http.Options.DownloadTimeout);
        await using (body.ConfigureAwait(false))
        {
            var terms = job.Terms.ToDictionary(t => t, t => new TermProgress(t));
            using var batch = new XetWriteBatch(file, _options.WriteBufferSize, progress, rangeWritten);
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
                    await ReadRangeAsync(body, range, job, terms, decoder, batch, gate, cancellationToken).ConfigureAwait(false);
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
                        await ReadRangeAsync(parts, range, job, terms, decoder, batch, gate, cancellationToken).ConfigureAwait(false);
                    }
                    if (pending.Count > 0) throw new XetTruncatedException($"Xorb multipart answer ended without {pending.Count} of its ranges.");
                }
                await batch.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (EndOfStreamException e)
            {
                throw new XetTruncatedException($"Xorb answer from {job.Url.GetLeftPart(UriPartial.Path)} ended early.", e);
            }
            catch (HubProtocolException e)
            {
                // Bytes that do not decode: the xorb (or the transfer) is corrupt.
                throw new HubIntegrityException($"Xorb data from {job.Url.GetLeftPart(UriPartial.Path)} is corrupt: {e.Message}",
                    job.Ranges[0].Xorb, "valid xorb chunks", e.Message);
            }
            var finished = new List<XetLedgerTerm>(terms.Count);
            foreach (TermProgress term in terms.Values)
            {
                if (term.Written != term.Term.Length)
                {
                    throw new XetUnavailableException(FormattableString.Invariant(
                        $"Malformed Xet reconstruction: term {term.Term.Index} has unpacked_length {term.Term.Length}, its chunks decode to {term.Written} bytes."));
                }
                finished.Add(new XetLedgerTerm(term.Term.Offset, term.Term.Length, term.Chunks));
            }
            return finished;
        }
    }

    /// <summary>Streams the chunks of one signed range, writing each into every term that uses it.</summary>
    private static async Task ReadRangeAsync(Stream body, XetFetchRangeRef range, XetFetchJob job, Dictionary<XetPlannedTerm, TermProgress> terms,
        XetChunkDecoder decoder, XetWriteBatch batch, OffsetOrderedGate gate, CancellationToken cancellationToken)
    {
        long expectedBytes = range.ByteEnd - range.ByteStart + 1;
        var counting = new CountingStream(body, expectedBytes);
        XetPlannedTerm[] users = [.. job.Terms.Where(t => ReferenceEquals(t.Fetch, range))];
        int lastNeeded = users.Length == 0 ? range.ChunkStart : users.Max(t => t.ChunkEnd);
        for (int index = range.ChunkStart; index < range.ChunkEnd; index++)
        {
            if (index >= lastNeeded)
            {
                await counting.SkipRestAsync(cancellationToken).ConfigureAwait(false);
                break;
            }
            // The chunk is decoded where the first term using it continues; a term that starts later with the same chunk
            // (a file repeating itself) gets a copy written on its own.
            XetPlannedTerm? first = null;
            foreach (XetPlannedTerm user in users)
            {
                if (index >= user.ChunkStart && index < user.ChunkEnd)
                {
                    first = user;
                    break;
                }
            }
            long firstOffset = first is null ? batch.End : first.Offset + terms[first].Written;
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
            foreach (XetPlannedTerm user in users)
            {
                if (index < user.ChunkStart || index >= user.ChunkEnd) continue;
                TermProgress term = terms[user];
                if (term.Written + length > user.Length)
                {
                    throw new XetUnavailableException(FormattableString.Invariant(
                        $"Malformed Xet reconstruction: term {user.Index} has unpacked_length {user.Length}, its chunks decode to more."));
                }
                if (ReferenceEquals(user, first)) batch.Commit(length);
                else await batch.WriteNowAsync(chunk[..length], user.Offset + term.Written, cancellationToken).ConfigureAwait(false);
                term.Written += length;
                term.Chunks.Add(new XetChunkHash(hash, length));
            }
        }
        if (counting.Remaining != 0 && lastNeeded >= range.ChunkEnd)
        {
            throw new HubIntegrityException($"Xorb range {range.RangeSpec} of {range.Xorb} holds {counting.Remaining} bytes after its last chunk.",
                range.Xorb, "chunks filling the range", "trailing bytes");
        }
    }

    private sealed record XetFetchJob(Uri Url, List<XetFetchRangeRef> Ranges, List<XetPlannedTerm> Terms);

    private sealed class TermProgress(XetPlannedTerm term)
    {
        public XetPlannedTerm Term { get; } = term;

        public long Written { get; set; }

        public List<XetChunkHash> Chunks { get; } = [];
    }
}
