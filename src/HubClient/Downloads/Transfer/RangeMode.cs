namespace HubClient;

/// <summary>How <see cref="HttpRangeReader"/> treats an answer that is not exactly the range asked.</summary>
internal enum RangeMode
{
    /// <summary>
    /// One stream from <see cref="IRangeSink.Position"/> to the end of the file. A 200 to a <c>Range</c>, an encoded body,
    /// a misplaced <c>Content-Range</c> or a 416 make the sink start over from byte 0 (gzip bodies are decoded).
    /// </summary>
    Lenient,

    /// <summary>
    /// Exactly the bytes asked, as a 206 in identity encoding at the asked offset, of a file of the expected size and
    /// version; anything else throws (<see cref="RangeNotSupportedException"/> or <see cref="HubFileChangedException"/>).
    /// </summary>
    Strict,
}
