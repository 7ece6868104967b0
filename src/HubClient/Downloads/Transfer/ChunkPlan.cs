namespace HubClient;

/// <summary>One chunk of a parallel download: bytes <c>[Offset, Offset + Length)</c> of the file.</summary>
internal readonly record struct FileChunk(int Index, long Offset, int Length)
{
    /// <summary>The last byte's offset, as a <c>Range</c> header names it.</summary>
    public long Last => Offset + Length - 1;

    public long End => Offset + Length;
}

/// <summary>How a file of <see cref="Size"/> bytes splits into fixed-size chunks (the last one shorter).</summary>
internal sealed class ChunkPlan
{
    public ChunkPlan(long size, int chunkSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        Size = size;
        ChunkSize = chunkSize;
        long count = (size + chunkSize - 1) / chunkSize;
        if (count > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(chunkSize), "Too many chunks: use a larger chunk size.");
        Count = (int)count;
    }

    public long Size { get; }

    public int ChunkSize { get; }

    public int Count { get; }

    public FileChunk this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            long offset = (long)index * ChunkSize;
            return new FileChunk(index, offset, (int)Math.Min(ChunkSize, Size - offset));
        }
    }
}
