namespace HubClient.Testing;

/// <summary>
/// A misbehaviour the fake hub applies to matching requests (see <see cref="FakeHub.InjectFault"/>): error statuses, rate
/// limits, dropped or stalled connections, broken ranges, corrupted or changed bytes, unexpected encodings, redirect loops,
/// malformed answers.
/// </summary>
public sealed class FakeFault
{
    private FakeFault(FaultKind kind, string description)
    {
        Kind = kind;
        Description = description;
    }

    internal FaultKind Kind { get; }

    /// <summary>Whether the fault acts on a file's bytes (so it waits for the request that carries them, not a redirect).</summary>
    internal bool IsBodyFault => Kind is FaultKind.DropAfter or FaultKind.Stall or FaultKind.Drip or FaultKind.IgnoreRange
        or FaultKind.WrongContentRange or FaultKind.CorruptByte or FaultKind.ReplaceContent or FaultKind.Gzip;

    internal int StatusCode { get; private init; }

    internal long Bytes { get; private init; }

    internal TimeSpan Delay { get; private init; }

    internal string? RetryAfterValue { get; private init; }

    internal byte[]? Replacement { get; private init; }

    internal string? Text { get; private init; }

    internal string? HeaderName { get; private init; }
    internal string? Json { get; private init; }

    internal string? NextLink { get; private init; }

    /// <summary>What the fault does, for test output.</summary>
    public string Description { get; }

    /// <summary>Answers with <paramref name="status"/> and an empty body (500, 502, 503, 504, 408…).</summary>
    public static FakeFault Status(int status) => new(FaultKind.Status, $"status {status}") { StatusCode = status };

    /// <summary>Answers with <paramref name="status"/> and <paramref name="body"/> as <c>application/json</c> (which it need not be).</summary>
    public static FakeFault Status(int status, string body) => new(FaultKind.Status, $"status {status} with a body") { StatusCode = status, Text = body };

    /// <summary>
    /// Answers with a redirect to <paramref name="location"/>, sent as given: relative (<c>/path</c>), absolute
    /// (<c>http://host/path</c>), protocol-relative (<c>//host/path</c>) or another scheme.
    /// </summary>
    public static FakeFault Redirect(string location, int status = 302) =>
        new(FaultKind.Redirect, $"{status} redirect to {location}") { StatusCode = status, Text = location };

    /// <summary>
    /// Serves the request normally but with response header <paramref name="name"/> set to <paramref name="value"/>
    /// (replacing the hub's own): a malformed size, a hostile commit or etag, a broken <c>Content-Range</c>.
    /// </summary>
    public static FakeFault Header(string name, string value) =>
        new(FaultKind.Header, $"header {name}: {value}") { HeaderName = name, Text = value };

    /// <summary>Answers 429 with <c>Retry-After</c> in seconds.</summary>
    public static FakeFault RateLimited(TimeSpan retryAfter) =>
        new(FaultKind.Status, $"429 Retry-After {retryAfter.TotalSeconds:0}")
        {
            StatusCode = 429,
            RetryAfterValue = ((long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };

    /// <summary>Answers 429 with <c>Retry-After</c> as an HTTP date.</summary>
    public static FakeFault RateLimitedUntil(DateTimeOffset until) =>
        new(FaultKind.Status, $"429 Retry-After {until:R}") { StatusCode = 429, RetryAfterValue = until.ToString("R", System.Globalization.CultureInfo.InvariantCulture) };

    /// <summary>Sends the headers and the first <paramref name="bytes"/> bytes of the body, then drops the connection.</summary>
    public static FakeFault DropAfter(long bytes) => new(FaultKind.DropAfter, $"drop after {bytes} bytes") { Bytes = bytes };

    /// <summary>
    /// Sends the first <paramref name="bytes"/> bytes, then stops sending for <paramref name="duration"/> (or until the client
    /// gives up), then drops the connection.
    /// </summary>
    public static FakeFault Stall(long bytes, TimeSpan duration) => new(FaultKind.Stall, $"stall after {bytes} bytes") { Bytes = bytes, Delay = duration };

    /// <summary>Sends the body in pieces of <paramref name="chunkBytes"/> with <paramref name="delay"/> between them.</summary>
    public static FakeFault Drip(int chunkBytes, TimeSpan delay) => new(FaultKind.Drip, $"drip {chunkBytes} bytes every {delay.TotalMilliseconds} ms") { Bytes = chunkBytes, Delay = delay };

    /// <summary>Answers a <c>Range</c> request with 200 and the whole body.</summary>
    public static FakeFault IgnoreRange() => new(FaultKind.IgnoreRange, "ignore Range (200)");

    /// <summary>Answers a <c>Range</c> request with 206 whose <c>Content-Range</c> starts one byte later than asked.</summary>
    public static FakeFault WrongContentRange() => new(FaultKind.WrongContentRange, "wrong Content-Range");

    /// <summary>Flips the bits of the byte at <paramref name="offset"/> of the file.</summary>
    public static FakeFault CorruptByte(long offset) => new(FaultKind.CorruptByte, $"corrupt byte {offset}") { Bytes = offset };

    /// <summary>Serves other bytes than the file's, as if it changed after the metadata request (etag change).</summary>
    public static FakeFault ReplaceContent(byte[] content) => new(FaultKind.ReplaceContent, "content changed") { Replacement = content };

    /// <summary>Sends the body gzip-encoded with <c>Content-Encoding: gzip</c> and status 200, whatever was asked.</summary>
    public static FakeFault Gzip() => new(FaultKind.Gzip, "gzip body");

    /// <summary>Answers with a relative redirect to the same URL, forever.</summary>
    public static FakeFault RedirectLoop() => new(FaultKind.RedirectLoop, "redirect loop");

    /// <summary>Answers 200 with a body that is not JSON.</summary>
    public static FakeFault MalformedJson() => new(FaultKind.MalformedJson, "malformed JSON");

    /// <summary>
    /// Answers an API request with 200 and <paramref name="json"/> instead of the hub's answer, and a
    /// <c>Link: &lt;<paramref name="nextLink"/>&gt;; rel="next"</c> header when given: fields the client does not know,
    /// unexpected shapes, unsafe paths, links to other hosts.
    /// </summary>
    public static FakeFault JsonBody(string json, string? nextLink = null) =>
        new(FaultKind.JsonBody, "JSON body replaced") { Json = json, NextLink = nextLink };

    /// <summary>Adds a response header of <paramref name="bytes"/> bytes (clients limit header sizes).</summary>
    public static FakeFault OversizedHeader(int bytes) => new(FaultKind.OversizedHeader, $"{bytes}-byte header") { Bytes = bytes };

    /// <summary>
    /// In a Xet reconstruction, the first term's <c>unpacked_length</c> is one byte more than its chunks decode to (and
    /// the second's one less, so the total still matches the file).
    /// </summary>
    public static FakeFault WrongUnpackedLength() => new(FaultKind.WrongUnpackedLength, "wrong unpacked_length");

    /// <summary>
    /// Answers a Xet read-token request with a token that expired five minutes ago (its <c>exp</c> says so): the CAS
    /// answers 401 to it, as to a token that expired during a long download.
    /// </summary>
    public static FakeFault ExpiredXetToken() => new(FaultKind.ExpiredXetToken, "expired Xet token");

    /// <inheritdoc />
    public override string ToString() => Description;
}

internal enum FaultKind
{
    Status,
    DropAfter,
    Stall,
    Drip,
    IgnoreRange,
    WrongContentRange,
    CorruptByte,
    ReplaceContent,
    Gzip,
    RedirectLoop,
    MalformedJson,
    OversizedHeader,
    Redirect,
    Header,
    JsonBody,
    WrongUnpackedLength,
    ExpiredXetToken,
}
