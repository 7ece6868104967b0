namespace HubClient;

/// <summary>Options for <see cref="HubApi.OpenReadAsync"/>.</summary>
public sealed class OpenReadOptions
{
    /// <summary>The default <see cref="ReadAheadSize"/>: 256 KiB.</summary>
    public const int DefaultReadAheadSize = 256 * 1024;

    /// <summary>The most a stream holds in its read-ahead buffer: 64 MiB. Larger reads go to the server as asked.</summary>
    public const int MaxReadAheadSize = 64 * 1024 * 1024;

    /// <summary>The repository type. Default <see cref="RepoType.Model"/>.</summary>
    public RepoType RepoType { get; set; } = RepoType.Model;

    /// <summary>A branch, tag, <c>refs/pr/N</c> or 40-hex commit. Default <c>main</c>.</summary>
    public string? Revision { get; set; }

    /// <summary>
    /// Bytes fetched by one range request when a read asks for less (the stream keeps one buffer of this size); reads of at
    /// least this many bytes go to the server as asked. Default 256 KiB; at least 1; values above
    /// <see cref="MaxReadAheadSize"/> (64 MiB) act as it.
    /// </summary>
    public int ReadAheadSize { get; set; } = DefaultReadAheadSize;
}
