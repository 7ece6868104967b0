namespace HubClient.Xet;

/// <summary>Tuning of <see cref="XetFileDownloader"/>.</summary>
internal sealed class XetDownloadOptions
{
    /// <summary>
    /// Xorb requests in flight at once. Each holds about <see cref="WriteBufferSize"/> + 400 KiB of pooled buffers,
    /// whatever the xorb's size.
    /// </summary>
    public int MaxConcurrentFetches { get; set; } = TransferOptions.DefaultMaxXetFetches;

    /// <summary>
    /// Fetch all the needed ranges of a signed xorb URL in one request (a <c>multipart/byteranges</c> answer) rather
    /// than one request per range (xet-core's default).
    /// </summary>
    public bool UseMultiRangeRequests { get; set; }

    /// <summary>
    /// Chunks decoded and hashed at once across the fetches of one file, lowest file offset first (see
    /// <see cref="OffsetOrderedGate"/>). Default: one per processor.
    /// </summary>
    public int MaxConcurrentDecodes { get; set; } = Environment.ProcessorCount;

    /// <summary>Bytes of decoded chunks a fetch collects before writing them (one write per buffer, not per chunk).</summary>
    public int WriteBufferSize { get; set; } = TransferOptions.DefaultBufferSize;

    /// <summary>
    /// Attempts per xorb request in a row that write nothing when the connection drops or stalls mid-body or the signed URL
    /// is refused (a 5xx/429 is retried by the HTTP pipeline); an attempt that writes chunks starts the count again.
    /// </summary>
    public int MaxFetchAttempts { get; set; } = 3;

    /// <summary>A read token is refreshed when it expires within this margin.</summary>
    public TimeSpan TokenRefreshMargin { get; set; } = TimeSpan.FromMinutes(1);
}
