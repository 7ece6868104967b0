using System.Net;
using System.Text;
using HubClient.Xet;
using Microsoft.Win32.SafeHandles;

namespace HubClient.Tests.Review;

/// <summary>Review of ff54cbe: bodies read whole are now read by HubHttp.BufferBoundedAsync instead of HttpClient.</summary>
public sealed class SessionReviewHttpTests : IDisposable
{
    private const string Hub = "https://hub.test";
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>
    /// The Xet token answer (or a reconstruction) whose connection ends mid-body, every attempt. HttpClient's own buffering
    /// turned that into HttpRequestException, which XetTokenProvider and XetCasClient map to XetUnavailableException, so
    /// that the download falls back to the plain-HTTP bridge. BufferBoundedAsync reads the stream itself and lets the
    /// handler's HttpIOException (an IOException) through: after the retries it escapes untyped, TransferEngine.TryXetAsync
    /// does not fall back, and the download fails although the bridge could serve the file.
    /// </summary>
    [Theory]
    [InlineData("/xet-read-token/")]
    [InlineData("/v2/reconstructions/")]
    public async Task A_xet_answer_cut_mid_body_is_xet_unavailable(string cutPath)
    {
        var handler = new CutHandler(cutPath);
        var http = new HubHttp(new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan }, new HubApiOptions
        {
            Endpoint = Hub,
            CacheDirectory = _temp.Combine("c"),
            Retry = new HubRetryOptions { BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5), UseJitter = false },
        });
        var request = new XetFileRequest(RepoType.Model, "acme/cut", new string('0', 40), "model.bin", new string('a', 64), 1000);
        using SafeFileHandle handle = File.OpenHandle(_temp.Combine("t"), FileMode.CreateNew, FileAccess.ReadWrite);
        RandomAccess.SetLength(handle, 1000);

        Exception? e = await Record.ExceptionAsync(() => new XetFileDownloader(http).DownloadAsync(request, handle, null, null, null, null, null, CancellationToken.None));

        Assert.True(handler.Cuts > 1, "not retried");
        Assert.True(e is XetUnavailableException, $"{e?.GetType().FullName}: {e?.Message}");
    }

    private sealed class CutHandler(string cutPath) : HttpMessageHandler
    {
        private int _cuts;

        public int Cuts => _cuts;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            string path = request.RequestUri!.AbsolutePath;
            string? json = path.Contains("/xet-read-token/", StringComparison.Ordinal)
                ? $$"""{"accessToken":"xet_tok","exp":{{DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds()}},"casUrl":"https://cas.test"}"""
                : path.StartsWith("/v2/reconstructions/", StringComparison.Ordinal)
                    ? """{"offset_into_first_range":0,"terms":[],"xorbs":{}}"""
                    : null;
            var response = new HttpResponseMessage(json is null ? HttpStatusCode.NotFound : HttpStatusCode.OK) { RequestMessage = request };
            if (json is not null)
            {
                byte[] bytes = Encoding.UTF8.GetBytes(json);
                if (path.Contains(cutPath, StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref _cuts);
                    response.Content = new StreamContent(new CutStream(bytes[..10]));
                    response.Content.Headers.ContentLength = bytes.Length;
                }
                else
                {
                    response.Content = new ByteArrayContent(bytes);
                }
                response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            }
            return Task.FromResult(response);
        }
    }

    /// <summary>A body that ends early the way SocketsHttpHandler reports it: HttpIOException(ResponseEnded).</summary>
    private sealed class CutStream(byte[] head) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_position >= head.Length) throw new HttpIOException(HttpRequestError.ResponseEnded, "The response ended prematurely.");
            int n = Math.Min(buffer.Length, head.Length - _position);
            head.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer, offset, count));

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
