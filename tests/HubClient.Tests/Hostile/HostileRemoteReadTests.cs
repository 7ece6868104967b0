using System.Net;
using System.Net.Http.Headers;

namespace HubClient.Tests.Hostile;

/// <summary>Hostile or inconsistent range answers to <c>OpenReadAsync</c>: ETags that change, sizes too large for a buffer, unreachable CDNs.</summary>
public sealed class HostileRemoteReadTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly ScriptedHub _hub = new(Bytes.Random(64 * 1024, seed: 7));

    public void Dispose() => _temp.Dispose();

    private string Cache => _temp.Combine("hub");

    /// <summary>
    /// The CDN location serves another version of the file (same size) from the second range on, and says so with another
    /// strong ETag. Downloads keep their ranges on one version (the first ETag becomes <c>If-Match</c>, another one is
    /// <see cref="HubFileChangedException"/>); the remote stream compares nothing and returns bytes of two versions.
    /// </summary>
    [Fact]
    public async Task Range_answers_whose_etag_changes_between_reads_are_a_changed_file_not_mixed_bytes()
    {
        byte[] original = _hub.Content;
        byte[] other = Bytes.Random(original.Length, seed: 99);
        int n = 0;
        _hub.Answer = r =>
        {
            if (r.RequestUri!.Host != "cdn.test") return _hub.DefaultAnswer(r);
            bool changed = Interlocked.Increment(ref n) > 1;
            _hub.Content = changed ? other : original;
            HttpResponseMessage response = _hub.CdnGet(r);
            _hub.Content = original;
            response.Headers.ETag = new EntityTagHeaderValue(changed ? "\"v2\"" : "\"v1\"");
            return response;
        };
        using HubApi api = _hub.CreateApi(Cache);
        await using Stream stream = await api.OpenReadAsync(ScriptedHub.Repo, "model.bin", new OpenReadOptions { ReadAheadSize = 16 });

        byte[] first = new byte[16];
        await stream.ReadExactlyAsync(first);
        Assert.Equal(original[..16], first);
        stream.Position = 1000;
        byte[] second = new byte[16];
        try
        {
            await stream.ReadExactlyAsync(second);
        }
        catch (HubFileChangedException)
        {
            return; // Detected: what downloads do.
        }
        Assert.Equal(original[1000..1016], second);
    }

    /// <summary>
    /// <see cref="OpenReadOptions.ReadAheadSize"/> accepts any positive int, and the stream allocates its buffer as
    /// min(read-ahead, file size): for a file over 2 GiB and a "generous" read-ahead of <see cref="int.MaxValue"/> (the
    /// value the library's own tests use for that) the first 1-byte read throws <see cref="OutOfMemoryException"/> from
    /// the array allocation — not an argument error at open, and not a read of a sane size.
    /// </summary>
    [Fact]
    public async Task Huge_read_ahead_on_a_large_file_is_not_an_out_of_memory_crash()
    {
        _hub.Answer = r =>
        {
            if (r.Method == HttpMethod.Head) return _hub.LfsHead(size: "3000000000");
            return new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        };
        using HubApi api = _hub.CreateApi(Cache, o => o.Retry.MaxRetries = 0);

        Exception? e = await Record.ExceptionAsync(async () =>
        {
            await using Stream stream = await api.OpenReadAsync(ScriptedHub.Repo, "model.bin", new OpenReadOptions { ReadAheadSize = int.MaxValue });
            _ = await stream.ReadAsync(new byte[1]);
        });

        Assert.IsNotType<OutOfMemoryException>(e);
    }

    /// <summary>
    /// A range read that keeps failing to connect surfaces the download engine's message, which tells the caller that
    /// "the partial file is kept for the next attempt" — <c>OpenReadAsync</c> writes no partial file (nothing is written to
    /// the cache), so the message sends the user looking for one.
    /// </summary>
    [Fact]
    public async Task Failed_range_read_does_not_claim_a_partial_file_was_kept()
    {
        _hub.Answer = r =>
        {
            if (r.RequestUri!.Host != "cdn.test") return _hub.DefaultAnswer(r);
            throw new HttpRequestException("Connection refused (cdn.test:443)");
        };
        using HubApi api = _hub.CreateApi(Cache);
        await using Stream stream = await api.OpenReadAsync(ScriptedHub.Repo, "model.bin");

        var e = await Assert.ThrowsAnyAsync<HubException>(async () => await stream.ReadExactlyAsync(new byte[16]));

        Assert.DoesNotContain("partial", e.Message, StringComparison.OrdinalIgnoreCase);
    }
}
