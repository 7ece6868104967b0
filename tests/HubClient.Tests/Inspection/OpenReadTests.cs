namespace HubClient.Tests.Inspection;

public sealed class OpenReadTests : IAsyncLifetime
{
    private const string Repo = "acme/weights";
    private static readonly byte[] Content = Bytes.Random(3_000_000, seed: 5);
    private readonly HubFixture _f = new();

    public Task InitializeAsync()
    {
        _f.Hub.AddRepo(Repo).Commit(c => c.AddLfs("model.bin", Content).Add("config.json", "{\"a\": 1}"));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    private static OpenReadOptions ReadAhead(int bytes) => new() { ReadAheadSize = bytes };

    [Fact]
    public async Task Length_is_known_and_seeks_read_the_right_bytes_through_ranges()
    {
        await using Stream stream = await _f.Api.OpenReadAsync(Repo, "model.bin", ReadAhead(4096));

        Assert.True(stream.CanSeek);
        Assert.False(stream.CanWrite);
        Assert.Equal(Content.Length, stream.Length);
        var random = new Random(3);
        for (int i = 0; i < 20; i++)
        {
            int offset = random.Next(Content.Length - 10_000);
            int count = random.Next(1, 10_000);
            stream.Seek(offset, SeekOrigin.Begin);
            byte[] read = new byte[count];
            await stream.ReadExactlyAsync(read);
            Assert.Equal(Content.AsSpan(offset, count).ToArray(), read);
            Assert.Equal(offset + count, stream.Position);
        }
        stream.Seek(-5, SeekOrigin.End);
        byte[] tail = new byte[10];
        Assert.Equal(5, await stream.ReadAtLeastAsync(tail, 10, throwOnEndOfStream: false));
        Assert.Equal(Content[^5..], tail[..5]);
        Assert.Equal(0, await stream.ReadAsync(tail));

        FakeHubRequest[] gets = _f.Hub.Requests.Where(r => r.Method == "GET").ToArray();
        Assert.All(gets, r => Assert.Equal(206, r.StatusCode));
        Assert.All(gets, r => Assert.StartsWith("bytes=", r.Range, StringComparison.Ordinal));
        Assert.True(gets.Sum(r => r.BytesSent) < Content.Length / 5, "only the bytes around the reads are fetched");
    }

    [Fact]
    public async Task Small_sequential_reads_are_served_from_one_read_ahead_buffer()
    {
        await using Stream stream = await _f.Api.OpenReadAsync(Repo, "model.bin", ReadAhead(64 * 1024));
        _f.Hub.ClearRequests();

        byte[] all = new byte[64 * 1024];
        for (int i = 0; i < all.Length; i += 100) await stream.ReadExactlyAsync(all.AsMemory(i, Math.Min(100, all.Length - i)));

        Assert.Equal(Content[..all.Length], all);
        FakeHubRequest only = Assert.Single(_f.Hub.Requests);
        Assert.Equal("bytes=0-65535", only.Range);
    }

    [Fact]
    public async Task Whole_file_copies_equal_to_the_content()
    {
        await using Stream stream = await _f.Api.OpenReadAsync(Repo, "model.bin");
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        Assert.Equal(Content, copy.ToArray());
    }

    [Fact]
    public async Task Regular_git_file_is_served_by_ranges_on_the_resolve_url()
    {
        await using Stream stream = await _f.Api.OpenReadAsync(Repo, "config.json");
        using var reader = new StreamReader(stream);
        Assert.Equal("{\"a\": 1}", await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task Cached_file_is_read_from_disk_after_one_HEAD()
    {
        await _f.Api.DownloadFileAsync(Repo, "model.bin");
        _f.Hub.ClearRequests();

        await using Stream stream = await _f.Api.OpenReadAsync(Repo, "model.bin");
        stream.Position = 1_000_000;
        byte[] read = new byte[1000];
        await stream.ReadExactlyAsync(read);

        Assert.Equal(Content.AsSpan(1_000_000, 1000).ToArray(), read);
        Assert.Equal("HEAD", Assert.Single(_f.Hub.Requests).Method);
    }

    [Fact]
    public async Task Offline_reads_the_cached_copy_and_fails_clearly_without_one()
    {
        await _f.Api.DownloadFileAsync(Repo, "model.bin");
        using HubApi offline = _f.NewClient(o => o.Offline = true);
        _f.Hub.ClearRequests();

        await using (Stream stream = await offline.OpenReadAsync(Repo, "model.bin"))
        {
            Assert.Equal(Content.Length, stream.Length);
        }
        await Assert.ThrowsAsync<LocalEntryNotFoundException>(() => offline.OpenReadAsync(Repo, "config.json"));
        Assert.Empty(_f.Hub.Requests);
    }

    [Fact]
    public async Task Server_ignoring_ranges_is_a_protocol_error_not_a_whole_file_download()
    {
        await using Stream stream = await _f.Api.OpenReadAsync(Repo, "model.bin");
        _f.Hub.InjectFault(FakeFault.IgnoreRange(), r => r.IsCdn, times: null);

        var e = await Assert.ThrowsAsync<HubProtocolException>(async () => await stream.ReadExactlyAsync(new byte[10]));
        Assert.Contains("206", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_content_range_is_refused()
    {
        await using Stream stream = await _f.Api.OpenReadAsync(Repo, "model.bin");
        stream.Position = 1000;
        _f.Hub.InjectFault(FakeFault.WrongContentRange(), r => r.IsCdn, times: null);

        await Assert.ThrowsAsync<HubProtocolException>(async () => await stream.ReadExactlyAsync(new byte[10]));
    }

    [Fact]
    public async Task Encoded_range_is_refused()
    {
        await using Stream stream = await _f.Api.OpenReadAsync(Repo, "model.bin");
        _f.Hub.InjectFault(FakeFault.Gzip(), r => r.IsCdn, times: null);

        await Assert.ThrowsAnyAsync<HubException>(async () => await stream.ReadExactlyAsync(new byte[10]));
    }

    [Fact]
    public async Task Expired_signed_location_is_asked_again_and_the_read_succeeds()
    {
        await using Stream stream = await _f.Api.OpenReadAsync(Repo, "model.bin", ReadAhead(16));
        _f.Hub.ClearRequests();
        _f.Hub.InjectFault(FakeFault.Status(403), r => r.IsCdn, times: 1);

        byte[] read = new byte[16];
        await stream.ReadExactlyAsync(read);

        Assert.Equal(Content[..16], read);
        Assert.Equal(["GET 403", "HEAD", "GET 206"], _f.Hub.Requests.Select(r => r.Method == "HEAD" ? "HEAD" : $"GET {r.StatusCode}"));
    }

    [Fact]
    public async Task Dropped_connection_continues_after_the_last_byte()
    {
        await using Stream stream = await _f.Api.OpenReadAsync(Repo, "model.bin", ReadAhead(200_000));
        _f.Hub.InjectFault(FakeFault.DropAfter(50_000), r => r.IsCdn, times: 1);

        byte[] read = new byte[200_000];
        await stream.ReadExactlyAsync(read);

        Assert.Equal(Content[..200_000], read);
        string?[] ranges = _f.Hub.Requests.Where(r => r.IsCdn).Select(r => r.Range).ToArray();
        // The retry asks for what is still missing: after the bytes that arrived (all 50,000 of them unless the reset
        // overtook them in the socket), up to the same end.
        Assert.Equal(2, ranges.Length);
        Assert.Matches(@"^bytes=\d+-199999$", ranges[1]);
        Assert.InRange(long.Parse(ranges[1]!["bytes=".Length..ranges[1]!.IndexOf('-', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture), 0, 50_000);
    }

    [Fact]
    public async Task File_changed_on_the_server_is_detected_by_its_size()
    {
        await using Stream stream = await _f.Api.OpenReadAsync(Repo, "model.bin");
        _f.Hub.InjectFault(FakeFault.ReplaceContent(Content[..1000]), r => r.IsCdn, times: null);

        await Assert.ThrowsAsync<HubFileChangedException>(async () => await stream.ReadExactlyAsync(new byte[10]));
    }

    [Fact]
    public async Task Cancellation_is_honoured()
    {
        await using Stream stream = await _f.Api.OpenReadAsync(Repo, "model.bin");
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await stream.ReadExactlyAsync(new byte[10], cts.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _f.Api.OpenReadAsync(Repo, "model.bin", cancellationToken: cts.Token));
    }

    [Fact]
    public async Task Bad_arguments_and_missing_files_throw_typed_errors()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _f.Api.OpenReadAsync(Repo, "../etc/passwd"));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _f.Api.OpenReadAsync(Repo, "model.bin", ReadAhead(0)));
        await Assert.ThrowsAsync<EntryNotFoundException>(() => _f.Api.OpenReadAsync(Repo, "missing.bin"));
        await Assert.ThrowsAsync<RepositoryNotFoundException>(() => _f.Api.OpenReadAsync("acme/none", "model.bin"));
        await using Stream stream = await _f.Api.OpenReadAsync(Repo, "model.bin");
        Assert.Throws<NotSupportedException>(() => stream.Write(new byte[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => stream.Position = -1);
    }

    [Fact]
    public async Task Token_goes_to_the_hub_but_not_to_the_cdn()
    {
        using HubApi withToken = _f.NewClient(o => o.Token = _f.Hub.ValidToken);
        await using Stream stream = await withToken.OpenReadAsync(Repo, "model.bin");
        await stream.ReadExactlyAsync(new byte[10]);

        Assert.All(_f.Hub.Requests.Where(r => r.IsCdn), r => Assert.Null(r.Authorization));
        Assert.Contains(_f.Hub.Requests, r => !r.IsCdn && r.Authorization is not null);
    }

    [Fact]
    public async Task A_read_ahead_larger_than_the_file_costs_only_the_file()
    {
        await using Stream stream = await _f.Api.OpenReadAsync(Repo, "config.json", new OpenReadOptions { ReadAheadSize = int.MaxValue });
        byte[] one = new byte[1];

        Assert.Equal(1, await stream.ReadAsync(one));
        Assert.Equal((byte)'{', one[0]);
    }
}
