using System.Net;

namespace HubClient.Tests.Options;

/// <summary>Option bounds the runtime really accepts, huggingface_hub's environment rules, and the retry pipeline's waits (no process environment touched here).</summary>
public sealed class OptionLimitsTests
{
    private static HubApiOptions Env(Dictionary<string, string> env) =>
        HubEnvironment.Read(name => env.TryGetValue(name, out string? value) ? value : null);

    // ---- per-attempt timeouts beyond CancellationTokenSource's range ----

    [Fact]
    public async Task The_longest_timeout_the_runtime_takes_works_and_a_longer_one_is_refused_when_the_client_is_built()
    {
        await using (var f = new HubFixture(o => o.MetadataTimeout = TimeSpan.FromDays(20)))
        {
            f.Hub.AddRepo("acme/t").Commit(c => c.Add("a.txt", "a"));
            Assert.Equal(1, (await f.Api.GetFileMetadataAsync("acme/t", "a.txt")).Size);
        }
        foreach (TimeSpan tooLong in new[] { TimeSpan.FromDays(60), TimeSpan.MaxValue })
        {
            var options = new HubApiOptions { CacheDirectory = "/tmp/hubclient-unused", MetadataTimeout = tooLong };
            ArgumentException e = Assert.Throws<ArgumentException>(() => new HubApi(options).Dispose());
            Assert.Equal("HubApiOptions.MetadataTimeout", e.ParamName);
        }
    }

    // ---- Retry options that Polly refuses ----

    [Theory]
    [InlineData(2, 3)]
    [InlineData(0, 2)]
    public void Retry_delays_over_a_day_are_refused_with_ArgumentException_naming_them(int baseDays, int maxDays)
    {
        var options = new HubApiOptions { CacheDirectory = "/tmp/hunt7-unused" };
        options.Retry.BaseDelay = TimeSpan.FromDays(baseDays);
        options.Retry.MaxDelay = TimeSpan.FromDays(maxDays);

        // Documented: the constructor "validates every setting (ArgumentException naming it)".
        ArgumentException e = Assert.Throws<ArgumentException>(() => new HubApi(options).Dispose());
        Assert.Contains("Delay", e.ParamName, StringComparison.Ordinal);
    }

    // ---- RateLimit header on a 5xx / non-exhausted 429 ----

    [Theory]
    [InlineData(503)]
    [InlineData(500)]
    [InlineData(429)]
    public async Task A_RateLimit_header_with_requests_remaining_does_not_set_the_retry_delay(int status)
    {
        var clock = new RecordingTimeProvider();
        await using var hub = FakeHub.Start();
        hub.AddRepo("acme/rl").Commit(c => c.Add("a.txt", "a"));
        using var temp = new TempDirectory();
        int failed = 0;
        using var client = new HttpClient(new FirstAnswerHandler(() => Interlocked.Increment(ref failed) == 1
            ? Fabricated((HttpStatusCode)status, ("RateLimit", "\"api\";r=499;t=240"), ("RateLimit-Policy", "\"fixed window\";\"api\";q=500;w=300"))
            : null) { InnerHandler = HubHttp.CreateHandler() });
        HubApiOptions options = hub.CreateOptions(temp.Path);
        options.TimeProvider = clock;
        using var api = new HubApi(client, options);

        await api.GetFileMetadataAsync("acme/rl", "a.txt");

        // huggingface_hub (utils/_http.py _http_backoff_base) honours RateLimit only on a 429 whose r=0; otherwise
        // it backs off normally (here at most MaxDelay = 10 ms). 240 s is the quota window's reset, not a retry hint.
        Assert.NotEmpty(clock.Delays);
        Assert.All(clock.Delays, d => Assert.True(d <= TimeSpan.FromSeconds(1), $"waited {d} after a {status} with r=499"));
    }

    // ---- environment parsing vs constants.py ----

    [Theory]
    [InlineData("1e12")]
    [InlineData("Infinity")]
    public void A_huge_HF_timeout_is_an_ArgumentException_not_an_OverflowException(string value)
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => Env(new() { ["HF_HUB_DOWNLOAD_TIMEOUT"] = value }));
        Assert.Contains("HF_HUB_DOWNLOAD_TIMEOUT", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HF_HUB_ETAG_TIMEOUT_zero_means_the_default_as_in_huggingface_hub()
    {
        // constants.py: _as_int(os.environ.get("HF_HUB_ETAG_TIMEOUT")) or DEFAULT_ETAG_TIMEOUT -> 0 is falsy -> 10.
        HubApiOptions o = Env(new() { ["HF_HUB_ETAG_TIMEOUT"] = "0", ["HF_HUB_DOWNLOAD_TIMEOUT"] = "0" });
        Assert.Equal(TimeSpan.FromSeconds(10), o.MetadataTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), o.DownloadTimeout);
    }

    [Fact]
    public void Empty_HF_HUB_OFFLINE_falls_through_to_TRANSFORMERS_OFFLINE()
    {
        // constants.py: _is_true(os.environ.get("HF_HUB_OFFLINE") or os.environ.get("TRANSFORMERS_OFFLINE"))
        Assert.True(Env(new() { ["HF_HUB_OFFLINE"] = "", ["TRANSFORMERS_OFFLINE"] = "1" }).Offline);
    }

    [Fact]
    public void Empty_HF_TOKEN_falls_through_to_HUGGING_FACE_HUB_TOKEN()
    {
        // _auth.py: _clean_token(os.environ.get("HF_TOKEN") or os.environ.get("HUGGING_FACE_HUB_TOKEN"))
        using var temp = new TempDirectory();
        Assert.Equal("hf_legacy", Env(new() { ["HF_HOME"] = temp.Path, ["HF_TOKEN"] = "", ["HUGGING_FACE_HUB_TOKEN"] = "hf_legacy" }).Token);
    }

    // ---- guards: the frozen copy, prompt cancellation, timeouts vs cancellation, odd Retry-After values ----

    [Fact]
    public async Task mutating_options_after_building_does_not_reach_the_client()
    {
        await using var f = new HubFixture();
        f.Hub.AddRepo("acme/fz").Commit(c => c.Add("a.txt", "a"));
        f.Options.Retry.MaxRetries = 0;
        f.Options.Endpoint = "http://127.0.0.1:9";
        f.Options.Transfer.MaxConnections = 1;
        f.Hub.InjectFault(FakeFault.Status(503), RequestFilters.Metadata("a.txt"), times: 2);

        await f.Api.GetFileMetadataAsync("acme/fz", "a.txt");
        Assert.Equal(5, f.Api.Options.Retry.MaxRetries);
        Assert.Equal(8, f.Api.Options.Transfer.MaxConnections);
        Assert.Throws<InvalidOperationException>(() => f.Api.Options.Retry.MaxRetries = 1);
        Assert.Throws<InvalidOperationException>(() => f.Api.Options.Transfer.ChunkSize = 1 << 20);
    }

    [Fact]
    public async Task cancellation_during_a_Retry_After_wait_is_prompt()
    {
        await using var f = new HubFixture();
        f.Hub.AddRepo("acme/c").Commit(c => c.Add("a.txt", "a"));
        f.Hub.InjectFault(FakeFault.RateLimited(TimeSpan.FromSeconds(60)), RequestFilters.Metadata("a.txt"), times: 5);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var watch = System.Diagnostics.Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => f.Api.GetFileMetadataAsync("acme/c", "a.txt", cancellationToken: cts.Token));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), watch.Elapsed.ToString());
    }

    [Fact]
    public async Task a_timeout_is_a_TimeoutException_and_a_cancellation_is_not()
    {
        await using var hub = FakeHub.Start();
        hub.AddRepo("acme/to").Commit(c => c.Add("a.txt", "a"));
        using var temp = new TempDirectory();
        using var client = new HttpClient(new HangingHandler { InnerHandler = HubHttp.CreateHandler() });
        HubApiOptions options = hub.CreateOptions(temp.Path);
        options.MetadataTimeout = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxRetries = 1;
        using var api = new HubApi(client, options);

        Exception timeout = await Record.ExceptionAsync(() => api.GetFileMetadataAsync("acme/to", "a.txt"));
        Assert.True(timeout is TimeoutException || timeout?.InnerException is TimeoutException, timeout?.ToString());

        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        using var api2 = new HubApi(client, hub.CreateOptions(temp.Path));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => api2.GetFileMetadataAsync("acme/to", "a.txt", cancellationToken: cts.Token));
    }

    [Theory]
    [InlineData("-5")]
    [InlineData("99999999999999")]
    [InlineData("1.5")]
    public async Task odd_Retry_After_values_fall_back_to_the_backoff(string value)
    {
        var clock = new RecordingTimeProvider();
        await using var hub = FakeHub.Start();
        hub.AddRepo("acme/ra").Commit(c => c.Add("a.txt", "a"));
        using var temp = new TempDirectory();
        int n = 0;
        using var client = new HttpClient(new FirstAnswerHandler(() => Interlocked.Increment(ref n) == 1
            ? Fabricated(HttpStatusCode.ServiceUnavailable, ("Retry-After", value)) : null) { InnerHandler = HubHttp.CreateHandler() });
        HubApiOptions options = hub.CreateOptions(temp.Path);
        options.TimeProvider = clock;
        using var api = new HubApi(client, options);

        await api.GetFileMetadataAsync("acme/ra", "a.txt");
        Assert.All(clock.Delays, d => Assert.True(d >= TimeSpan.Zero && d <= TimeSpan.FromSeconds(1), d.ToString()));
    }

    internal static HttpResponseMessage Fabricated(HttpStatusCode status, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status) { Content = new ByteArrayContent([]) };
        foreach ((string name, string value) in headers) response.Headers.TryAddWithoutValidation(name, value);
        return response;
    }

    /// <summary>Answers with what <c>answer</c> gives (when not null), else passes the request on.</summary>
    internal sealed class FirstAnswerHandler(Func<HttpResponseMessage?> answer) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (answer() is { } response)
            {
                response.RequestMessage = request;
                return Task.FromResult(response);
            }
            return base.SendAsync(request, cancellationToken);
        }
    }

    private sealed class HangingHandler : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
    }
}
