#pragma warning disable CA2022 // Exact byte counts are what the tests check.
#pragma warning disable CA2012 // A pending ValueTask is held on purpose, to act while the read is in flight.

namespace HubClient.Tests.Inspection;

/// <summary>
/// <c>OpenReadAsync</c> against the Stream contract and the cache, on one version of the file (a push, a renamed repo's
/// branch moving, a Seek racing a read), and <c>GetFileMetadataAsync</c> keeping offline mode's promise of no request.
/// </summary>
public sealed class RemoteStreamContractTests : IAsyncLifetime
{
    private const string Repo = "acme/weights";
    private static readonly byte[] Weights = Bytes.Random(300_000, seed: 11);
    private static readonly byte[] Config = Bytes.Random(100, seed: 12);
    private readonly HubFixture _f = new();

    public Task InitializeAsync()
    {
        _f.Hub.AddRepo(Repo).Commit(c => c.AddLfs("model.bin", Weights).Add("config.bin", Config).Add("empty.txt", Array.Empty<byte>()));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    [Fact]
    public async Task Regular_file_changed_on_its_branch_to_same_size_is_not_mixed_into_the_open_stream() =>
        await AssertOneVersionAcrossAPushAsync(Repo, Repo);

    /// <summary>
    /// A renamed repo's HEAD ends on the new name's resolve URL (a relative redirect), not the one asked for: that location
    /// too must be pinned to the commit the HEAD named.
    /// </summary>
    [Fact]
    public async Task Regular_file_of_a_renamed_repo_changed_on_its_branch_is_not_mixed_into_the_open_stream()
    {
        const string NewName = "acme/weights-v2";
        _f.Hub.AddRepo(NewName).Commit(c => c.Add("config.bin", Config));
        _f.Hub.RenameRepo("acme/weights-old", NewName);
        await AssertOneVersionAcrossAPushAsync("acme/weights-old", NewName);
    }

    /// <summary>Opens config.bin of <paramref name="asked"/>, reads 10 bytes, pushes a same-size version to <paramref name="pushedTo"/>'s main, reads on.</summary>
    private async Task AssertOneVersionAcrossAPushAsync(string asked, string pushedTo)
    {
        await using Stream stream = await _f.Api.OpenReadAsync(asked, "config.bin", new OpenReadOptions { ReadAheadSize = 10 });
        byte[] first = new byte[10];
        await stream.ReadExactlyAsync(first);
        Assert.Equal(Config[..10], first);

        _f.Hub.FindRepo(pushedTo)!.Commit(c => c.Add("config.bin", Bytes.Random(100, seed: 99)));

        byte[] second = new byte[10];
        try
        {
            await stream.ReadExactlyAsync(second);
        }
        catch (HubFileChangedException)
        {
            return; // Detected: acceptable.
        }
        // Otherwise the bytes must be those of the version that was opened, never a mix of two versions.
        Assert.Equal(Config[10..20], second);
    }

    [Fact]
    public async Task File_cached_in_copy_mode_is_read_from_disk_not_over_ranges()
    {
        using HubApi copyMode = _f.NewClient(o => o.DisableSymlinks = true);
        await copyMode.DownloadFileAsync(Repo, "model.bin");
        _f.Hub.ClearRequests();

        await using Stream stream = await copyMode.OpenReadAsync(Repo, "model.bin");
        byte[] read = new byte[1000];
        await stream.ReadExactlyAsync(read);

        Assert.Equal(Weights[..1000], read);
        Assert.DoesNotContain(_f.Hub.Requests, r => r.Method == "GET");
    }

    [Fact]
    public async Task Position_getter_throws_after_dispose()
    {
        Stream stream = await _f.Api.OpenReadAsync(Repo, "model.bin");
        await stream.DisposeAsync();
        Assert.Throws<ObjectDisposedException>(() => stream.Position);
    }

    [Fact]
    public async Task ReadAsync_with_null_array_throws_ArgumentNullException()
    {
        await using Stream stream = await _f.Api.OpenReadAsync(Repo, "model.bin");
        await Assert.ThrowsAsync<ArgumentNullException>(() => stream.ReadAsync(null!, 0, 0));
    }

    [Fact]
    public async Task Stream_contract_basics_hold()
    {
        await using Stream stream = await _f.Api.OpenReadAsync(Repo, "model.bin", new OpenReadOptions { ReadAheadSize = 1000 });
        // zero-length reads
        Assert.Equal(0, await stream.ReadAsync(Memory<byte>.Empty));
        Assert.Equal(0, stream.Read(Array.Empty<byte>(), 0, 0));
        // seek past end
        Assert.Equal(Weights.Length + 10L, stream.Seek(10, SeekOrigin.End));
        Assert.Equal(0, await stream.ReadAsync(new byte[5]));
        Assert.Equal(-1, stream.ReadByte());
        stream.Position = long.MaxValue;
        Assert.Equal(0, await stream.ReadAsync(new byte[5]));
        // negative seek
        stream.Position = 5;
        Assert.Throws<IOException>(() => stream.Seek(-6, SeekOrigin.Current));
        Assert.Equal(5, stream.Position);
        Assert.Equal(Weights.Length - 1L, stream.Seek(-1, SeekOrigin.End));
        Assert.Equal(Weights[^1], stream.ReadByte());
        // sync read, ReadByte
        stream.Position = 123;
        Assert.Equal(Weights[123], stream.ReadByte());
        byte[] sync = new byte[3000];
        stream.ReadExactly(sync);
        Assert.Equal(Weights.AsSpan(124, 3000).ToArray(), sync);
        // CopyToAsync from the middle
        stream.Position = 100_000;
        using var rest = new MemoryStream();
        await stream.CopyToAsync(rest);
        Assert.Equal(Weights[100_000..], rest.ToArray());
        await stream.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await stream.ReadAsync(new byte[1]));
        Assert.Throws<ObjectDisposedException>(() => stream.Length);
        Assert.False(stream.CanRead);
        Assert.False(stream.CanSeek);
    }

    [Fact]
    public async Task Empty_and_tiny_files_read_over_http_and_from_cache()
    {
        await using (Stream empty = await _f.Api.OpenReadAsync(Repo, "empty.txt"))
        {
            Assert.Equal(0, empty.Length);
            Assert.Equal(0, await empty.ReadAsync(new byte[10]));
            using var copy = new MemoryStream();
            await empty.CopyToAsync(copy);
            Assert.Equal(0, copy.Length);
        }
        await _f.Api.DownloadFileAsync(Repo, "empty.txt");
        await using (Stream empty = await _f.Api.OpenReadAsync(Repo, "empty.txt"))
        {
            Assert.Equal(0, empty.Length);
            Assert.Equal(0, await empty.ReadAsync(new byte[10]));
        }
        await using Stream tiny = await _f.Api.OpenReadAsync(Repo, "config.bin", new OpenReadOptions { ReadAheadSize = 1 });
        byte[] all = new byte[100];
        await tiny.ReadExactlyAsync(all);
        Assert.Equal(Config, all);
    }

    [Fact]
    public async Task Several_streams_of_one_file_read_concurrently()
    {
        await _f.Api.DownloadFileAsync(Repo, "config.bin");
        Stream[] streams = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            _f.Api.OpenReadAsync(Repo, i % 2 == 0 ? "model.bin" : "config.bin", new OpenReadOptions { ReadAheadSize = 4096 })));
        try
        {
            await Task.WhenAll(streams.Select(async (s, i) =>
            {
                byte[] expected = i % 2 == 0 ? Weights : Config;
                using var copy = new MemoryStream();
                await s.CopyToAsync(copy, 777);
                Assert.Equal(expected, copy.ToArray());
            }));
        }
        finally
        {
            foreach (Stream s in streams) await s.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_cancelled_read_leaves_the_stream_usable()
    {
        await using Stream stream = await _f.Api.OpenReadAsync(Repo, "model.bin", new OpenReadOptions { ReadAheadSize = 200_000 });
        _f.Hub.InjectFault(FakeFault.Stall(0, TimeSpan.FromSeconds(5)), r => r.IsCdn, times: 1);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await stream.ReadAsync(new byte[10], cts.Token));
        Assert.Equal(0, stream.Position);
        byte[] read = new byte[10];
        await stream.ReadExactlyAsync(read);
        Assert.Equal(Weights[..10], read);
    }
}

/// <summary>A file cached at a commit opens with no request, as a download of it answers (huggingface_hub file_download.py).</summary>
public sealed class RemoteReadByCommitTests : IAsyncLifetime
{
    private const string Repo = "acme/weights";
    private static readonly byte[] Weights = Bytes.Random(300_000, seed: 11);
    private readonly HubFixture _f = new();

    public Task InitializeAsync()
    {
        _f.Hub.AddRepo(Repo).Commit(c => c.AddLfs("model.bin", Weights));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    [Fact]
    public async Task File_cached_at_a_commit_hash_opens_without_any_request_as_downloads_do()
    {
        string commit = _f.Hub.FindRepo(Repo)!.Head().Sha;
        await _f.Api.DownloadFileAsync(Repo, "model.bin");
        _f.Hub.ClearRequests();

        await _f.Api.DownloadFileAsync(Repo, "model.bin", new DownloadFileOptions { Revision = commit });
        Assert.Empty(_f.Hub.Requests); // downloads answer from the cache (huggingface_hub file_download.py:1072)

        await using Stream stream = await _f.Api.OpenReadAsync(Repo, "model.bin", new OpenReadOptions { Revision = commit });
        byte[] read = new byte[100];
        await stream.ReadExactlyAsync(read);
        Assert.Equal(Weights[..100], read);
        Assert.Empty(_f.Hub.Requests);
    }

    /// <summary>
    /// A Seek while a buffered read is in flight: the read fills the read-ahead buffer from the old position, but labels
    /// it with the position as it is when the range arrives. Later reads at the new position — issued one at a time, after
    /// the concurrent use is over — are served the wrong bytes from that buffer, silently.
    /// </summary>
    [Fact]
    public async Task Seek_during_a_pending_read_does_not_leave_a_mislabelled_read_ahead_buffer()
    {
        await using Stream stream = await _f.Api.OpenReadAsync(Repo, "model.bin", new OpenReadOptions { ReadAheadSize = 1000 });
        _f.Hub.InjectFault(FakeFault.Drip(100, TimeSpan.FromMilliseconds(50)), r => r.IsCdn, times: 1);

        ValueTask<int> pending = stream.ReadAsync(new byte[10]);
        Assert.False(pending.IsCompleted, "the first read waits for its range");
        stream.Position = 50_000;
        await pending;

        // From here on the stream is used one call at a time.
        stream.Position = 50_000;
        byte[] read = new byte[10];
        await stream.ReadExactlyAsync(read);
        Assert.Equal(Weights.AsSpan(50_000, 10).ToArray(), read);
    }

    /// <summary>
    /// <see cref="HubApiOptions.Offline"/> promises "never make a request" (HF_HUB_OFFLINE), and the other hub calls refuse
    /// offline without a request; <c>GetFileMetadataAsync</c> still sends its HEAD.
    /// </summary>
    [Fact]
    public async Task GetFileMetadataAsync_in_offline_mode_sends_no_request()
    {
        using HubApi offline = _f.NewClient(o => o.Offline = true);
        _f.Hub.ClearRequests();

        await Record.ExceptionAsync(() => offline.GetFileMetadataAsync(Repo, "config.bin"));

        Assert.Empty(_f.Hub.Requests);
    }
}
