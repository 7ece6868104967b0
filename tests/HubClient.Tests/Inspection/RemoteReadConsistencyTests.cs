#pragma warning disable CA2012 // A pending ValueTask is held on purpose, to act while the read is in flight.

namespace HubClient.Tests.Inspection;

/// <summary>
/// <c>OpenReadAsync</c> stays on one version of a file (a renamed repo's branch moving under an open stream, a Seek during a
/// read), and <c>GetFileMetadataAsync</c> keeps offline mode's promise of no request.
/// </summary>
public sealed class RemoteReadConsistencyTests : IAsyncLifetime
{
    private const string Repo = "acme/weights";
    private static readonly byte[] Weights = Bytes.Random(300_000, seed: 21);
    private static readonly byte[] Config = Bytes.Random(100, seed: 22);
    private readonly HubFixture _f = new();

    public Task InitializeAsync()
    {
        _f.Hub.AddRepo(Repo).Commit(c => c.AddLfs("model.bin", Weights).Add("config.bin", Config));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    /// <summary>
    /// A renamed repo's HEAD is answered with a relative redirect to the new name, so the location the HEAD ends on is not
    /// the resolve URL of the name asked for: the reader then keeps the branch URL instead of pinning it to the commit the
    /// HEAD named, and a same-size push to the branch is mixed into the open stream.
    /// </summary>
    [Fact]
    public async Task Regular_file_of_a_renamed_repo_changed_on_its_branch_is_not_mixed_into_the_open_stream()
    {
        const string NewName = "acme/weights-v2";
        _f.Hub.AddRepo(NewName).Commit(c => c.Add("config.bin", Config));
        _f.Hub.RenameRepo("acme/weights-old", NewName);

        await using Stream stream = await _f.Api.OpenReadAsync("acme/weights-old", "config.bin", new OpenReadOptions { ReadAheadSize = 10 });
        byte[] first = new byte[10];
        await stream.ReadExactlyAsync(first);
        Assert.Equal(Config[..10], first);

        // Someone pushes a new version of config.bin of the same size to main.
        _f.Hub.FindRepo(NewName)!.Commit(c => c.Add("config.bin", Bytes.Random(100, seed: 99)));

        byte[] second = new byte[10];
        try
        {
            await stream.ReadExactlyAsync(second);
        }
        catch (HubFileChangedException)
        {
            return; // Detected: acceptable.
        }
        Assert.Equal(Config[10..20], second);
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
