using System.Buffers;
using System.Globalization;
using System.Text;

namespace HubClient.Xet;

/// <summary>
/// Reads a <c>multipart/byteranges</c> body (RFC 9110 §14.6) as a stream: <see cref="NextPartAsync"/> reads a part's
/// headers and returns its <c>Content-Range</c>; the part's bytes are then read from this stream, exactly that many.
/// Lines are bounded (8 KiB), and so is their number before a delimiter and in a part's headers (64), so that a hostile
/// body can neither grow memory nor be read for ever without a byte of a part.
/// </summary>
internal sealed class MultipartByteRangesReader : ReadOnlyStream
{
    private const int MaxLine = 8 * 1024;

    /// <summary>Blank lines before a delimiter, and header lines in a part, that a hostile body may send before it is refused.</summary>
    private const int MaxLines = 64;
    private readonly Stream _inner;
    private readonly string _delimiter;
    private readonly Uri? _source;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
    private int _start;
    private int _end;
    private bool _finished;

    public MultipartByteRangesReader(Stream inner, string boundary, Uri? source)
    {
        _inner = inner;
        _delimiter = "--" + boundary;
        _source = source;
    }

    /// <summary>The boundary of a <c>multipart/byteranges</c> content type, or null when it is another type.</summary>
    public static string? BoundaryOf(System.Net.Http.Headers.MediaTypeHeaderValue? contentType)
    {
        if (!string.Equals(contentType?.MediaType, "multipart/byteranges", StringComparison.OrdinalIgnoreCase)) return null;
        string? boundary = contentType!.Parameters.FirstOrDefault(p => string.Equals(p.Name, "boundary", StringComparison.OrdinalIgnoreCase))?.Value;
        return string.IsNullOrEmpty(boundary) ? null : boundary.Trim('"');
    }

    /// <summary>The next part's byte range (first, last inclusive), or null after the closing delimiter.</summary>
    public async Task<(long First, long Last)?> NextPartAsync(CancellationToken cancellationToken)
    {
        if (_finished) return null;
        string line;
        int lines = 0;
        do
        {
            if (++lines > MaxLines) throw Malformed("no boundary line after many blank lines");
            line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
        }
        while (line.Length == 0);
        if (line == _delimiter + "--")
        {
            _finished = true;
            return null;
        }
        if (line != _delimiter) throw Malformed("expected a boundary line");
        (long First, long Last)? range = null;
        lines = 0;
        while ((line = await ReadLineAsync(cancellationToken).ConfigureAwait(false)).Length > 0)
        {
            if (++lines > MaxLines) throw Malformed("a part's headers do not end");
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line.AsSpan(0, colon).Trim().Equals("Content-Range", StringComparison.OrdinalIgnoreCase))
            {
                string value = line[(colon + 1)..].Trim();
                range = TryParseContentRange(value) ?? throw Malformed($"a part's Content-Range '{value}' is not a byte range");
            }
        }
        return range ?? throw Malformed("a part has no Content-Range");
    }

    /// <summary>Parses <c>bytes first-last/total</c>; null when it is not that.</summary>
    private static (long First, long Last)? TryParseContentRange(string value)
    {
        if (value.StartsWith("bytes ", StringComparison.OrdinalIgnoreCase))
        {
            string spec = value[6..];
            int dash = spec.IndexOf('-', StringComparison.Ordinal);
            int slash = spec.IndexOf('/', StringComparison.Ordinal);
            if (dash > 0 && slash > dash
                && long.TryParse(spec.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out long first)
                && long.TryParse(spec.AsSpan(dash + 1, slash - dash - 1), NumberStyles.None, CultureInfo.InvariantCulture, out long last)
                && last >= first)
            {
                return (first, last);
            }
        }
        return null;
    }

    /// <summary>
    /// The body is not the multipart answer asked for: a transport fault (a proxy, a broken server), not corrupt xorb data,
    /// so the download may still be served by the bridge.
    /// </summary>
    private XetUnavailableException Malformed(string what) =>
        new($"Xorb multipart/byteranges answer from {_source?.GetLeftPart(UriPartial.Path)} is malformed: {what}.");

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        while (true)
        {
            if (_start == _end && !await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new EndOfStreamException("multipart/byteranges body ended early.");
            }
            int newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            int stop = newline < 0 ? _end : newline;
            line.Append(Encoding.ASCII.GetString(_buffer, _start, stop - _start));
            if (line.Length > MaxLine) throw Malformed("header line too long");
            _start = newline < 0 ? _end : newline + 1;
            if (newline >= 0) return line.ToString().TrimEnd('\r');
        }
    }

    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        _start = 0;
        _end = await _inner.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
        return _end > 0;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_start == _end) return await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        int n = Math.Min(buffer.Length, _end - _start);
        _buffer.AsMemory(_start, n).CopyTo(buffer);
        _start += n;
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && _buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
        base.Dispose(disposing);
    }
}
