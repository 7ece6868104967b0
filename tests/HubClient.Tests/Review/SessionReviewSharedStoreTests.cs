namespace HubClient.Tests.Review;

/// <summary>Review of SharePublishedAsync(newlyPublished: false), the rerun that finishes an interrupted shared-store publish.</summary>
public sealed class SessionReviewSharedStoreTests : IAsyncLifetime
{
    private static readonly byte[] Weights = Bytes.Random(1_300_000, seed: 23);
    private readonly HubFixture _f = new();
    private FakeFile _file = null!;

    public Task InitializeAsync()
    {
        _file = _f.Hub.AddRepo("acme/one").Commit(c => c.AddXet("model.bin", Weights).Add("config.json", "{}")).Files["model.bin"];
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    private string Entry => Path.Combine(_f.CacheDirectory, "blobs", _file.XetHash![..2], _file.XetHash);
    private string RepoBlob => Path.Combine(_f.CacheDirectory, "models--acme--one", "blobs", _file.Etag);

    /// <summary>
    /// A run was stopped after the manifest line of a publish that reused an existing store entry (CrashPoints
    /// SharedBlobReferenced): the repo blob is still a regular file with the right bytes. Meanwhile the store entry holds other
    /// bytes of the same size (it was written by another process and never checked by this one). The rerun finishes the
    /// publish with replaceExisting: false whatever VerifiedSharedBlobs knows, so the good repo blob is replaced by a link to
    /// the unchecked entry and the download returns a file with the wrong content. A fresh publish
    /// (newlyPublished: true) would have replaced such an entry; TryPlaceFromLocalCopyAsync would have hashed it first.
    /// </summary>
    [UnixFact]
    public async Task Finishing_an_interrupted_publish_never_links_the_blob_to_an_unverified_entry()
    {
        string first = await _f.Api.DownloadFileAsync("acme/one", "model.bin");
        Assert.Equal($"../../blobs/{_file.XetHash![..2]}/{_file.XetHash}", new FileInfo(RepoBlob).LinkTarget);

        // The state a stopped rerun leaves: a regular repo blob (good bytes), listed in the entry's manifest, no snapshot entry.
        File.Delete(RepoBlob);
        await File.WriteAllBytesAsync(RepoBlob, Weights);
        File.Delete(first);
        // The store entry, written by someone else: same size, other bytes.
        if (OperatingSystem.IsWindows()) return; // No store without symlinks.
        File.SetUnixFileMode(Entry, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        byte[] wrong = Bytes.Random(Weights.Length, seed: 99);
        await File.WriteAllBytesAsync(Entry, wrong);
        Assert.Contains($"models--acme--one/blobs/{_file.Etag}", File.ReadAllText(Entry + ".refs"), StringComparison.Ordinal);

        using HubApi rerun = _f.NewClient();
        string path = await rerun.DownloadFileAsync("acme/one", "model.bin");

        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
    }
}
