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

    /// <summary>The default <see cref="BufferSize"/>: 1 MiB.</summary>
    public const int DefaultBufferSize = 1024 * 1024;

    /// <summary>
    /// Files of at least this many bytes are downloaded in parallel ranges (when the server answers ranges with 206).
    /// Default 64 MiB. <see cref="long.MaxValue"/> turns parallel downloads off.
    /// </summary>
    public long ParallelThreshold { get; set; } = DefaultParallelThreshold;

    /// <summary>Concurrent range requests per file. Default 8; 1 turns parallel downloads off.</summary>
    public int MaxConnections { get; set; } = DefaultMaxConnections;

    /// <summary>
    /// Bytes per range request, and the unit of resume: a run interrupted mid-chunk fetches that chunk again. Default 16 MiB.
    /// </summary>
    public int ChunkSize { get; set; } = DefaultChunkSize;

    /// <summary>Bytes read from the network before each write at the chunk's offset, per connection. Default 1 MiB.</summary>
    public int BufferSize { get; set; } = DefaultBufferSize;

    /// <summary>Whether a file of <paramref name="size"/> bytes is worth splitting into ranges under these settings.</summary>
    internal bool UseParallel(long size) => MaxConnections > 1 && size >= ParallelThreshold && size > ChunkSize;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for values that cannot work.</summary>
    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConnections, 1, nameof(MaxConnections));
        ArgumentOutOfRangeException.ThrowIfLessThan(ChunkSize, 4096, nameof(ChunkSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(BufferSize, 4096, nameof(BufferSize));
        ArgumentOutOfRangeException.ThrowIfNegative(ParallelThreshold, nameof(ParallelThreshold));
    }
}
