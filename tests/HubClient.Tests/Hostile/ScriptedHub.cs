using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace HubClient.Tests.Hostile;

/// <summary>
/// An in-process hub (an <see cref="HttpMessageHandler"/>) whose every answer the test scripts: headers FakeHub cannot
/// send, bodies that never end or never start, encodings that lie.
/// </summary>
internal sealed class ScriptedHub : HttpMessageHandler
{
    public const string Base = "https://hub.test";
    public const string Cdn = "https://cdn.test";
    public const string Repo = "acme/hostile";
    public const string Commit = "0123456789abcdef0123456789abcdef01234567";
    public const string Token = "hf_hostile_secret_token";

    public ScriptedHub(byte[]? content = null)
    {
        Content = content ?? Bytes.Random(4096, seed: 11);
        Answer = DefaultAnswer;
    }

    public byte[] Content { get; set; }

    public string Sha256 => Convert.ToHexStringLower(SHA256.HashData(Content));

    public Func<HttpRequestMessage, HttpResponseMessage> Answer { get; set; }

    public ConcurrentQueue<(string Method, string Url, string? Authorization, string? Range)> Log { get; } = new();

    public HubApi CreateApi(string cacheDirectory, Action<HubApiOptions>? configure = null)
    {
        var options = new HubApiOptions
        {
            Endpoint = Base,
            Token = Token,
            CacheDirectory = cacheDirectory,
            MetadataTimeout = TimeSpan.FromSeconds(3),
            DownloadTimeout = TimeSpan.FromSeconds(2),
            Retry = new HubRetryOptions { MaxRetries = 2, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5), UseJitter = false },
        };
        configure?.Invoke(options);
        return new HubApi(new HttpClient(this) { Timeout = Timeout.InfiniteTimeSpan }, options);
    }

    /// <summary>A hub HEAD answer for an LFS file: 302 to the CDN with the linked etag and size.</summary>
    public HttpResponseMessage LfsHead(string? etag = null, string? size = null, string? location = null)
    {
        var response = new HttpResponseMessage(HttpStatusCode.Found) { Content = new ByteArrayContent([]) };
        response.Headers.TryAddWithoutValidation("X-Repo-Commit", Commit);
        response.Headers.TryAddWithoutValidation("X-Linked-Etag", "\"" + (etag ?? Sha256) + "\"");
        response.Headers.TryAddWithoutValidation("X-Linked-Size", size ?? Content.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        response.Headers.TryAddWithoutValidation("Location", location ?? Cdn + "/blob?sig=1");
        return response;
    }

    /// <summary>The CDN's answer: the whole content (200), or the asked range (206).</summary>
    public HttpResponseMessage CdnGet(HttpRequestMessage request)
    {
        RangeHeaderValue? range = request.Headers.Range;
        if (range is null) return new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Content) };
        RangeItemHeaderValue item = range.Ranges.Single();
        long from = item.From ?? 0;
        long to = Math.Min(item.To ?? Content.Length - 1, Content.Length - 1);
        var response = new HttpResponseMessage(HttpStatusCode.PartialContent)
        {
            Content = new ByteArrayContent(Content, (int)from, (int)(to - from + 1)),
        };
        response.Content.Headers.ContentRange = new ContentRangeHeaderValue(from, to, Content.Length);
        return response;
    }

    public HttpResponseMessage DefaultAnswer(HttpRequestMessage request)
    {
        if (request.RequestUri!.Host == "cdn.test") return CdnGet(request);
        if (request.Method == HttpMethod.Head) return LfsHead();
        return new HttpResponseMessage(HttpStatusCode.NotFound);
    }

    public static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Log.Enqueue((request.Method.Method, request.RequestUri!.ToString(), request.Headers.Authorization?.ToString(),
            request.Headers.Range?.ToString()));
        HttpResponseMessage response = Answer(request);
        response.RequestMessage = request;
        return Task.FromResult(response);
    }
}
