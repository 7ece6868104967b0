namespace HubClient;

/// <summary>
/// How large files are transferred (<see cref="HubApiOptions.Transfer"/>). A file of at least
/// <see cref="ParallelThreshold"/> bytes is fetched as <see cref="MaxConnections"/> concurrent HTTP <c>Range</c> requests of
/// <see cref="ChunkSize"/> bytes written at their offsets into one preallocated partial file, with durable resume: a
/// sidecar records each completed chunk with its XxHash3, so a run that is killed or cancelled continues with the missing
/// chunks only. Smaller files, and servers that do not serve ranges, use one verified HTTP stream.
/// </summary>
/// <remarks>
/// Memory stays bounded whatever the file size: about <see cref="BufferSize"/> per connection plus one buffer for the
/// SHA-256 pass, all rented from <see cref="System.Buffers.ArrayPool{T}"/>.
/// </remarks>
public sealed class TransferOptions
{
    /// <summary>The default <see cref="ParallelThreshold"/>: 64 MiB.</summary>
    public const long DefaultParallelThreshold = 64L * 1024 * 1024;

    /// <summary>The default <see cref="ChunkSize"/>: 16 MiB.</summary>
    public const int DefaultChunkSize = 16 * 1024 * 1024;

    /// <summary>The default <see cref="MaxConnections"/>: 8.</summary>
    public const int DefaultMaxConnections = 8;

    /// <summary>The default <see cref="MaxXetFetches"/>: 16.</summary>
    public const int DefaultMaxXetFetches = 16;

    /// <summary>The default <see cref="BufferSize"/>: 1 MiB.</summary>
    public const int DefaultBufferSize = 1024 * 1024;

    private long _parallelThreshold = DefaultParallelThreshold;
    private int _maxConnections = DefaultMaxConnections;
    private int _maxXetFetches = DefaultMaxXetFetches;
    private int _chunkSize = DefaultChunkSize;
    private int _bufferSize = DefaultBufferSize;
    private bool _frozen;

    /// <summary>
    /// Files of at least this many bytes are downloaded in parallel ranges (when the server answers ranges with 206).
    /// Default 64 MiB. <see cref="long.MaxValue"/> turns parallel downloads off.
    /// </summary>
    public long ParallelThreshold { get => _parallelThreshold; set => Set(ref _parallelThreshold, value); }

    /// <summary>Concurrent plain-HTTP range requests per file. Default 8; 1 turns parallel downloads off.</summary>
    public int MaxConnections { get => _maxConnections; set => Set(ref _maxConnections, value); }

    /// <summary>
    /// Concurrent xorb range requests per file in Xet storage. Default 16: a xorb range is up to 64 MiB and cannot be
    /// split, so a 1 GiB file is about sixteen of them, and where a CDN caps each connection's rate the ranges still
    /// waiting at the end set the download's time. Each fetch holds about <see cref="BufferSize"/> + 400 KiB of pooled
    /// buffers. (xet-core's <c>HF_XET_NUM_CONCURRENT_RANGE_GETS</c> is not read: in xet-core it became a process-wide
    /// limit, then was retired.)
    /// </summary>
    public int MaxXetFetches { get => _maxXetFetches; set => Set(ref _maxXetFetches, value); }

    /// <summary>
    /// Bytes per range request, and the unit of resume: a run interrupted mid-chunk fetches that chunk again. At least 4,096.
    /// Default 16 MiB.
    /// </summary>
    public int ChunkSize { get => _chunkSize; set => Set(ref _chunkSize, value); }

    /// <summary>Bytes read from the network before each write at the chunk's offset, per connection. At least 4,096. Default 1 MiB.</summary>
    public int BufferSize { get => _bufferSize; set => Set(ref _bufferSize, value); }

    /// <summary>Whether a file of <paramref name="size"/> bytes is worth splitting into ranges under these settings.</summary>
    internal bool UseParallel(long size) => MaxConnections > 1 && size >= ParallelThreshold && size > ChunkSize;

    internal TransferOptions Freeze()
    {
        var copy = (TransferOptions)MemberwiseClone();
        copy._frozen = true;
        return copy;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that cannot work.</summary>
    internal void Validate(string prefix)
    {
        OptionChecks.AtLeast(MaxConnections, 1, prefix + nameof(MaxConnections));
        OptionChecks.AtLeast(MaxXetFetches, 1, prefix + nameof(MaxXetFetches));
        OptionChecks.AtLeast(ChunkSize, 4096, prefix + nameof(ChunkSize));
        OptionChecks.AtLeast(BufferSize, 4096, prefix + nameof(BufferSize));
        OptionChecks.NotNegative(ParallelThreshold, prefix + nameof(ParallelThreshold));
    }

    private void Set<T>(ref T field, T value)
    {
        OptionChecks.ThrowIfFrozen(_frozen);
        field = value;
    }
}
