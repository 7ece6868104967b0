using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace HubClient.Tests.Diagnostics;

public sealed class LoggingAndMetricsTests
{
    [Fact]
    public async Task Requests_retries_resumes_and_cache_hits_are_logged_and_counted_without_the_token()
    {
        using var logs = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        using var metrics = new MetricCapture();
        await using var f = new HubFixture(o =>
        {
            o.LoggerFactory = loggerFactory;
            o.Token = "hf_fake_token";
        });
        byte[] weights = Bytes.Random(200_000);
        f.Hub.AddRepo("acme/logs").Commit(c => c.AddLfs("w.bin", weights));
        f.Hub.InjectFault(FakeFault.Status(503), RequestFilters.Metadata("w.bin"));
        f.Hub.InjectFault(FakeFault.DropAfter(100_000), RequestFilters.Download("w.bin"));

        await f.Api.DownloadFileAsync("acme/logs", "w.bin");
        await f.Api.DownloadFileAsync("acme/logs", "w.bin", new DownloadFileOptions { Revision = f.Hub.FindRepo("acme/logs")!.Head().Sha });

        string all = string.Join("\n", logs.Messages);
        Assert.Contains(logs.Messages, m => m.StartsWith("Retrying HEAD", StringComparison.Ordinal) && m.Contains("after 503", StringComparison.Ordinal));
        Assert.Contains(logs.Messages, m => m.StartsWith("Resuming w.bin at byte", StringComparison.Ordinal));
        Assert.Contains(logs.Messages, m => m.StartsWith("Downloaded acme/logs/w.bin (200000 bytes)", StringComparison.Ordinal));
        Assert.Contains(logs.Messages, m => m.StartsWith("Cache hit for acme/logs/w.bin", StringComparison.Ordinal));
        Assert.DoesNotContain("hf_fake_token", all, StringComparison.Ordinal);
        Assert.DoesNotContain("X-Amz-Signature", all, StringComparison.Ordinal);

        Assert.Equal(weights.Length, metrics.Sum("hubclient.download.bytes"));
        Assert.Equal(1, metrics.Sum("hubclient.download.files"));
        Assert.Equal(1, metrics.Sum("hubclient.cache.hits"));
        Assert.True(metrics.Sum("hubclient.http.retries") >= 1);
        Assert.Equal(1, metrics.Sum("hubclient.download.resumes"));
    }

    [Fact]
    public async Task A_retry_after_a_connection_failure_names_the_request_it_repeats()
    {
        using var logs = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        using var temp = new TempDirectory();
        // Nothing listens on port 1: every attempt throws before any response exists to read the request from.
        using var api = new HubApi(new HubApiOptions
        {
            Endpoint = "http://127.0.0.1:1",
            CacheDirectory = temp.Path,
            Token = null,
            LoggerFactory = loggerFactory,
            TimeProvider = new RecordingTimeProvider(),
        });

        await Assert.ThrowsAsync<LocalEntryNotFoundException>(() => api.DownloadFileAsync("acme/logs", "w.bin"));

        Assert.Contains(logs.Messages, m => m.StartsWith("Retrying HEAD http://127.0.0.1:1/acme/logs/resolve/main/w.bin (attempt 1)", StringComparison.Ordinal));
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(Messages);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                messages.Enqueue(formatter(state, exception));
        }
    }
}
