namespace HubClient.Testing;

/// <summary>One request the fake hub received, as logged in <see cref="FakeHub.Requests"/>.</summary>
public sealed class FakeHubRequest
{
    internal FakeHubRequest(string method, string host, string path, string query, IReadOnlyDictionary<string, string> headers)
    {
        Method = method;
        Host = host;
        Path = path;
        Query = query;
        Headers = headers;
    }

    /// <summary>HTTP method.</summary>
    public string Method { get; }

    /// <summary>The Host header as sent (<c>127.0.0.1:port</c> for the hub, <c>localhost:port</c> for the CDN).</summary>
    public string Host { get; }

    /// <summary>The path, still URL-escaped as sent.</summary>
    public string Path { get; }

    /// <summary>The query string including '?', or empty.</summary>
    public string Query { get; }

    /// <summary>Request headers (case-insensitive names; repeated values joined by ", ").</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>The status answered (0 when the connection was dropped before headers).</summary>
    public int StatusCode { get; internal set; }

    /// <summary>Body bytes sent.</summary>
    public long BytesSent { get; internal set; }

    /// <summary>
    /// Whether the answer is stalled right now: a <see cref="FakeFault.Stall"/> has sent its bytes and waits for the client
    /// to give up (see <see cref="FakeHub.WhenAsync"/>).
    /// </summary>
    public bool IsStalled
    {
        get => _stalled;
        internal set
        {
            _stalled = value;
            Changed?.Invoke();
        }
    }

    /// <summary>Whether the fake hub has finished with this request: its answer was sent, dropped or abandoned by the client.</summary>
    public bool IsComplete
    {
        get => _complete;
        internal set
        {
            _complete = value;
            Changed?.Invoke();
        }
    }

    private volatile bool _stalled;
    private volatile bool _complete;

    /// <summary>Tells the hub that <see cref="IsStalled"/> or <see cref="IsComplete"/> changed.</summary>
    internal Action? Changed { get; set; }

    /// <summary>The fault applied to this request, if any.</summary>
    public FakeFault? Fault { get; internal set; }

    /// <summary>The rule whose fault was applied, so that a fault meant for bytes can be handed back when this request is redirected instead.</summary>
    internal FaultRule? AppliedRule { get; set; }

    /// <summary>The <c>Range</c> header, if any.</summary>
    public string? Range => Headers.TryGetValue("Range", out string? value) ? value : null;

    /// <summary>The <c>Authorization</c> header, if any.</summary>
    public string? Authorization => Headers.TryGetValue("Authorization", out string? value) ? value : null;

    /// <summary>
    /// Whether this request asked the fake CDN for a file's bytes (an LFS or bridge download after the hub's redirect; its
    /// path starts with <c>/cdn/</c>). Xet CAS and xorb requests are not: see <see cref="IsXorb"/>.
    /// </summary>
    public bool IsCdn => Path.StartsWith("/cdn/", StringComparison.Ordinal);

    /// <summary>Whether this request went to the fake Xet CAS (reconstructions).</summary>
    public bool IsCas => Path.StartsWith("/cas/", StringComparison.Ordinal);

    /// <summary>Whether this request fetched xorb bytes from a signed xorb URL.</summary>
    public bool IsXorb => Path.StartsWith("/xorbs/", StringComparison.Ordinal);

    /// <summary>Whether this request asked the hub for a Xet read token.</summary>
    public bool IsXetToken => Path.Contains("/xet-read-token/", StringComparison.Ordinal);

    /// <inheritdoc />
    public override string ToString() => $"{Method} {Host}{Path}{Query} -> {StatusCode}";
}
