namespace HubClient;

/// <summary>
/// Reads byte ranges of one file version of known length: the single primitive behind <see cref="HubApi.OpenReadAsync"/>
/// and the safetensors and GGUF header readers. Implementations: HTTP <c>Range</c> requests (<see cref="HttpRangeReader"/>),
/// a cached blob on disk (<see cref="FileRangeReader"/>); a Xet reconstruction reader can be added behind the same interface.
/// Not thread-safe: one read at a time.
/// </summary>
internal interface IRangeReader : IDisposable
{
    /// <summary>The file's size in bytes.</summary>
    long Length { get; }

    /// <summary>The commit this version of the file was read at, when known (null for a cached copy found without asking the hub).</summary>
    string? Commit { get; }

    /// <summary>
    /// Fills <paramref name="destination"/> with the bytes at <c>[offset, offset + destination.Length)</c>, which must lie
    /// within <see cref="Length"/>.
    /// </summary>
    ValueTask ReadAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken);
}
