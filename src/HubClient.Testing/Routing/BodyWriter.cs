using System.Globalization;
using System.IO.Compression;
using Microsoft.AspNetCore.Http;

namespace HubClient.Testing;

/// <summary>Serves file bytes the way the hub and its CDN do (ETag, Range, If-Range, If-Match), bending the rules when a fault says so.</summary>
internal static class BodyWriter
{
    private const int ChunkSize = 64 * 1024;

    public static async Task ServeAsync(HttpContext context, FakeHubRequest log, byte[] content, string etag, FakeFault? fault)
    {
        HttpRequest request = context.Request;
        HttpResponse response = context.Response;
        string quotedEtag = "\"" + etag + "\"";
        if (fault?.Kind == FaultKind.ReplaceContent) content = fault.Replacement!;

        string? ifMatch = request.Headers.IfMatch;
        if (!string.IsNullOrEmpty(ifMatch) && ifMatch != "*" && !ifMatch.Split(',').Select(s => s.Trim()).Contains(quotedEtag)
            && fault?.Kind != FaultKind.ReplaceContent)
        {
            response.StatusCode = StatusCodes.Status412PreconditionFailed;
            return;
        }

        response.Headers.AcceptRanges = "bytes";
        if (fault?.Kind != FaultKind.ReplaceContent) response.Headers.ETag = quotedEtag;
        else response.Headers.ETag = "\"" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)) + "\"";

        if (fault?.Kind == FaultKind.Gzip)
        {
            byte[] gzipped = Gzip(content);
            response.StatusCode = StatusCodes.Status200OK;
            response.Headers.ContentEncoding = "gzip";
            response.ContentLength = gzipped.Length;
            if (!HttpMethods.IsHead(request.Method)) await WriteAsync(context, log, gzipped, fault: null).ConfigureAwait(false);
            return;
        }

        string? rangeHeader = request.Headers.Range;
        string? ifRange = request.Headers.IfRange;
        if (!string.IsNullOrEmpty(ifRange) && ifRange != quotedEtag) rangeHeader = null;
        ByteRange range = ByteRange.Parse(rangeHeader, content.LongLength);
        if (fault?.Kind == FaultKind.IgnoreRange) range = new ByteRange(0, content.LongLength - 1, false, false);

        if (range.Unsatisfiable)
        {
            response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
            response.Headers.ContentRange = string.Create(CultureInfo.InvariantCulture, $"bytes */{content.LongLength}");
            return;
        }

        long start = range.Start;
        if (range.IsPartial)
        {
            if (fault?.Kind == FaultKind.WrongContentRange && start + 1 <= range.End) start++;
            response.StatusCode = StatusCodes.Status206PartialContent;
            response.Headers.ContentRange = string.Create(CultureInfo.InvariantCulture, $"bytes {start}-{range.End}/{content.LongLength}");
        }
        else
        {
            response.StatusCode = StatusCodes.Status200OK;
        }
        long length = range.End - start + 1;
        response.ContentLength = length;
        if (HttpMethods.IsHead(request.Method)) return;

        byte[] body = content.AsSpan((int)start, (int)length).ToArray();
        if (fault?.Kind == FaultKind.CorruptByte && fault.Bytes >= start && fault.Bytes <= range.End)
        {
            body[fault.Bytes - start] ^= 0xFF;
        }
        await WriteAsync(context, log, body, fault).ConfigureAwait(false);
    }

    internal static async Task WriteAsync(HttpContext context, FakeHubRequest log, byte[] body, FakeFault? fault)
    {
        Stream stream = context.Response.Body;
        CancellationToken aborted = context.RequestAborted;
        long limit = fault?.Kind is FaultKind.DropAfter or FaultKind.Stall ? Math.Min(fault.Bytes, body.LongLength) : body.LongLength;
        int chunk = fault?.Kind == FaultKind.Drip ? (int)Math.Max(1, fault.Bytes) : ChunkSize;
        long sent = 0;
        try
        {
            while (sent < limit)
            {
                int n = (int)Math.Min(chunk, limit - sent);
                // Logged before the write: the client may have read these bytes before WriteAsync returns here.
                log.BytesSent = sent + n;
                await stream.WriteAsync(body.AsMemory((int)sent, n), aborted).ConfigureAwait(false);
                sent += n;
                if (fault?.Kind == FaultKind.Drip)
                {
                    await stream.FlushAsync(aborted).ConfigureAwait(false);
                    await Task.Delay(fault.Delay, aborted).ConfigureAwait(false);
                }
            }
            if (fault?.Kind is FaultKind.DropAfter or FaultKind.Stall)
            {
                await stream.FlushAsync(aborted).ConfigureAwait(false);
                if (fault.Kind == FaultKind.Stall)
                {
                    log.IsStalled = true;
                    try
                    {
                        await Task.Delay(fault.Delay, aborted).ConfigureAwait(false);
                    }
                    finally
                    {
                        log.IsStalled = false;
                    }
                }
                context.Abort();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The client went away; nothing more to send.
        }
    }

    private static byte[] Gzip(byte[] content)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(content);
        return output.ToArray();
    }
}
