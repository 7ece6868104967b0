namespace HubClient.Tests.Cache;

/// <summary>
/// Downloads of Xet-backed files into the cache go to the shared blob store exactly as huggingface_hub lays it out
/// (marker, <c>{2 hex}/{xet hash}</c>, modes from the cache root, <c>.refs</c>, relative links); the same file in another
/// repo costs no transfer; the store stays out of the way when disabled, without symlinks, and when publishing fails.
/// </summary>
public sealed class SharedBlobStoreWriteTests : IAsyncLifetime
{
    private static readonly byte[] Weights = Bytes.Random(1_300_000, seed: 21);
    private readonly HubFixture _f = new();
    private FakeFile _file = null!;

    public Task InitializeAsync()
    {
        _file = _f.Hub.AddRepo("acme/one").Commit(c => c.AddXet("model.bin", Weights).Add("config.json", "{}")).Files["model.bin"];
        _f.Hub.AddRepo("acme/two").Commit(c => c.AddXet("weights/model.bin", Weights));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    private string Root => _f.CacheDirectory;
    private string Store => Path.Combine(Root, "blobs");
    private string Entry => Path.Combine(Store, _file.XetHash![..2], _file.XetHash);
    private string RepoBlob(string folder) => Path.Combine(Root, folder, "blobs", _file.Etag);

    private static long PayloadBytesOnTheWire(FakeHub hub) => hub.Requests.Where(r => r.IsXorb || r.IsCdn).Sum(r => r.BytesSent);

    [Fact]
    public async Task Copies_of_a_read_only_store_payload_are_writable_by_their_owner()
    {
        await _f.Api.DownloadFileAsync("acme/one", "model.bin");

        string local = await _f.Api.DownloadFileAsync("acme/one", "model.bin", new DownloadFileOptions { LocalDirectory = _f.Temp.Combine("local") });

        Assert.Equal(Weights, await File.ReadAllBytesAsync(local));
        if (OperatingSystem.IsWindows()) return; // No store without symlinks, and no Unix modes.
        Assert.True(File.GetUnixFileMode(local).HasFlag(UnixFileMode.UserWrite), $"{local} is {File.GetUnixFileMode(local)}");
        Assert.False(File.GetUnixFileMode(Entry).HasFlag(UnixFileMode.UserWrite));
    }

    [Fact]
    public async Task Deleting_the_revision_of_a_xet_blob_deletes_its_delta_record_too()
    {
        string path = await _f.Api.DownloadFileAsync("acme/one", "model.bin");
        string record = Path.Combine(Root, "models--acme--one", "xet", _file.Etag + ".json");
        string xorbList = Path.ChangeExtension(record, ".xorbs");
        Assert.True(File.Exists(record));
        Assert.True(File.Exists(xorbList));
        string commit = Path.GetFileName(Path.GetDirectoryName(path))!;
        _f.Hub.FindRepo("acme/one")!.Commit(c => c.Add("README.md", "next"));
        await _f.Api.DownloadFileAsync("acme/one", "README.md");

        CacheDeletePlan plan = HubCache.Scan(Root).DeleteRevisions(commit);
        plan.Execute();

        Assert.Contains(record, plan.OtherFiles);
        Assert.Contains(xorbList, plan.OtherFiles);
        Assert.False(File.Exists(record));
        Assert.False(File.Exists(xorbList));
        Assert.False(File.Exists(RepoBlob("models--acme--one")));
    }

    [Fact]
    public async Task A_xet_download_lands_in_the_store_with_the_reference_layout_and_modes()
    {
        Directory.CreateDirectory(Root);
        SharedStoreCacheBuilder.Chmod(Root, "2750"); // Group-shared cache: store folders mirror it, payloads get g+r and no o+r.

        string path = await _f.Api.DownloadFileAsync("acme/one", "model.bin");

        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        Assert.Equal("../../blobs/" + _file.Etag, new FileInfo(path).LinkTarget);
        Assert.Equal($"../../blobs/{_file.XetHash![..2]}/{_file.XetHash}", new FileInfo(RepoBlob("models--acme--one")).LinkTarget);
        Assert.Equal("1\n", File.ReadAllText(Path.Combine(Store, ".huggingface-shared-blobs")));
        Assert.Equal(
            [".huggingface-shared-blobs", _file.XetHash[..2]],
            Directory.GetFileSystemEntries(Store).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(
            new[] { _file.XetHash, _file.XetHash + ".lock", _file.XetHash + ".refs" }.Order(StringComparer.Ordinal),
            Directory.GetFileSystemEntries(Path.GetDirectoryName(Entry)!).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Null(new FileInfo(Entry).LinkTarget);
        Assert.Equal(Weights, File.ReadAllBytes(Entry));
        Assert.Equal($"models--acme--one/blobs/{_file.Etag}\n", File.ReadAllText(Entry + ".refs"));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal("2750", SharedStoreCacheBuilder.ModeOf(Store));
            Assert.Equal("2750", SharedStoreCacheBuilder.ModeOf(Path.GetDirectoryName(Entry)!));
            Assert.Equal("440", SharedStoreCacheBuilder.ModeOf(Entry));
            Assert.Equal("440", SharedStoreCacheBuilder.ModeOf(Path.Combine(Store, ".huggingface-shared-blobs")));
            Assert.Equal("666", SharedStoreCacheBuilder.ModeOf(Entry + ".refs"));
            Assert.Equal("666", SharedStoreCacheBuilder.ModeOf(Entry + ".lock"));
        }
        // No temp names left behind, and a file not stored in Xet keeps the old layout.
        Assert.Equal([_file.Etag], Directory.GetFileSystemEntries(Path.Combine(Root, "models--acme--one", "blobs")).Select(Path.GetFileName));
        string config = await _f.Api.DownloadFileAsync("acme/one", "config.json");
        Assert.Null(new FileInfo(Path.Combine(Path.GetDirectoryName(config)!, "../../blobs", new FileInfo(config).LinkTarget![12..])).LinkTarget);
    }

    /// <summary>
    /// Downloads acme/one's model.bin and returns what <paramref name="observe"/> saw the first time this cache's publish
    /// reached <paramref name="point"/> (other tests may publish meanwhile: <paramref name="ours"/> tells this cache's).
    /// </summary>
    private async Task<string?> ObservePublishAsync(string point, Func<bool> ours, Func<string> observe)
    {
        string? seen = null;
        CrashPoints.Hook = reached =>
        {
            if (reached == point && seen is null && ours()) seen = observe();
        };
        try
        {
            await _f.Api.DownloadFileAsync("acme/one", "model.bin");
        }
        finally
        {
            CrashPoints.Hook = null;
        }
        return seen;
    }

    [Fact]
    public async Task The_reference_is_on_disk_before_the_payload_moves_and_the_link_appears()
    {
        string manifest = Entry + ".refs";
        string blob = RepoBlob("models--acme--one");

        string? seen = await ObservePublishAsync(CrashPoints.SharedBlobReferenced, () => File.Exists(manifest),
            () => $"{File.ReadAllText(manifest)}|{new FileInfo(blob).LinkTarget ?? "regular"}|{File.Exists(Entry)}");

        Assert.Equal($"models--acme--one/blobs/{_file.Etag}\n|regular|False", seen);
        Assert.NotNull(new FileInfo(blob).LinkTarget);
    }

    [Fact]
    public async Task While_the_payload_enters_the_store_the_repo_blob_never_goes_missing()
    {
        string blob = RepoBlob("models--acme--one");

        // The last step before the link replaces the repo blob: a crash here must leave a whole blob behind.
        string? seen = await ObservePublishAsync(CrashPoints.SharedBlobStored, () => File.Exists(Entry),
            () => $"{new FileInfo(blob).LinkTarget ?? "regular"}|{File.Exists(blob) && File.ReadAllBytes(blob).AsSpan().SequenceEqual(Weights)}");

        Assert.Equal("regular|True", seen);
        Assert.Equal(Weights, await File.ReadAllBytesAsync(Entry));
        Assert.NotNull(new FileInfo(blob).LinkTarget);
    }

    [Fact]
    public async Task The_same_file_in_a_second_repo_costs_no_transfer_and_adds_a_reference()
    {
        await _f.Api.DownloadFileAsync("acme/one", "model.bin");
        _f.Hub.ClearRequests();

        string second = await _f.Api.DownloadFileAsync("acme/two", "weights/model.bin");

        Assert.Equal(Weights, await File.ReadAllBytesAsync(second));
        Assert.Equal(0, PayloadBytesOnTheWire(_f.Hub));
        Assert.DoesNotContain(_f.Hub.Requests, r => r.IsXorb || r.IsCas || r.IsCdn);
        Assert.Equal($"models--acme--one/blobs/{_file.Etag}\nmodels--acme--two/blobs/{_file.Etag}\n", File.ReadAllText(Entry + ".refs"));
        Assert.Equal($"../../blobs/{_file.XetHash![..2]}/{_file.XetHash}", new FileInfo(RepoBlob("models--acme--two")).LinkTarget);

        // A snapshot of a third repo takes the hash from the tree listing: no transfer either.
        _f.Hub.AddRepo("acme/three").Commit(c => c.AddXet("model.bin", Weights));
        _f.Hub.ClearRequests();
        string snapshot = await _f.Api.DownloadSnapshotAsync("acme/three");
        Assert.Equal(Weights, await File.ReadAllBytesAsync(Path.Combine(snapshot, "model.bin")));
        Assert.Equal(0, PayloadBytesOnTheWire(_f.Hub));
        Assert.Equal(3, File.ReadAllLines(Entry + ".refs").Length);

        HubCacheInfo info = HubCache.Scan(Root);
        Assert.Empty(info.Warnings);
        Assert.Equal(Weights.Length, info.SharedBlobStoreSize);
        Assert.Equal(2L * Weights.Length, info.SharedBlobStoreSavedBytes);
    }

    [Fact]
    public async Task A_store_entry_that_fails_its_hash_is_not_linked_but_replaced_by_the_download()
    {
        await _f.Api.DownloadFileAsync("acme/one", "model.bin");
        byte[] damaged = (byte[])Weights.Clone();
        damaged[12345] ^= 1;
        File.Move(Entry, Entry + ".old");
        File.WriteAllBytes(Entry, damaged); // Same size, other bytes, a file this process never verified.
        _f.Hub.ClearRequests();

        string second = await _f.Api.DownloadFileAsync("acme/two", "weights/model.bin");

        Assert.Equal(Weights, await File.ReadAllBytesAsync(second));
        Assert.True(PayloadBytesOnTheWire(_f.Hub) > 0);
        Assert.Equal(Weights, File.ReadAllBytes(Entry)); // The verified download replaced the bad entry, for both repos.
        Assert.Equal(Weights, File.ReadAllBytes(RepoBlob("models--acme--one")));
    }

    [Fact]
    public async Task Trusting_the_store_links_an_entry_of_the_right_size_without_hashing_it()
    {
        await _f.Api.DownloadFileAsync("acme/one", "model.bin");
        byte[] other = Bytes.Random(Weights.Length, seed: 99);
        File.Move(Entry, Entry + ".old");
        File.WriteAllBytes(Entry, other);
        _f.Hub.ClearRequests();
        using HubApi trusting = _f.NewClient(o => o.TrustSharedBlobs = true);

        string second = await trusting.DownloadFileAsync("acme/two", "weights/model.bin");

        Assert.Equal(0, PayloadBytesOnTheWire(_f.Hub));
        Assert.Equal(other, await File.ReadAllBytesAsync(second)); // What the caller opted into: size is the only check.
    }

    [Fact]
    public async Task Disabled_by_option_or_by_disabling_xet_or_symlinks_the_old_layout_is_written()
    {
        foreach ((string name, Action<HubApiOptions> configure) in new (string, Action<HubApiOptions>)[]
        {
            ("option", o => o.DisableSharedBlobs = true),
            ("xet", o => o.DisableXet = true),
            ("symlinks", o => o.DisableSymlinks = true),
        })
        {
            string cache = _f.Temp.Combine("cache-" + name);
            HubApiOptions options = _f.Hub.CreateOptions(cache);
            configure(options);
            using var api = new HubApi(options);

            string path = await api.DownloadFileAsync("acme/one", "model.bin");

            Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
            Assert.False(Directory.Exists(Path.Combine(cache, "blobs")), name);
            if (name != "symlinks") Assert.Null(new FileInfo(Path.Combine(cache, "models--acme--one", "blobs", _file.Etag)).LinkTarget);
        }
    }

    [Fact]
    public void The_environment_turns_the_store_off_as_huggingface_hub_does()
    {
        HubApiOptions on = HubEnvironment.Read(_ => null);
        HubApiOptions off = HubEnvironment.Read(name => name == "HF_HUB_DISABLE_SHARED_BLOBS" ? "1" : null);
        HubApiOptions noXet = HubEnvironment.Read(name => name == "HF_HUB_DISABLE_XET" ? "true" : null);

        Assert.False(on.DisableSharedBlobs);
        Assert.True(on.UsesSharedBlobs);
        Assert.True(off.DisableSharedBlobs);
        Assert.False(off.UsesSharedBlobs);
        Assert.False(noXet.UsesSharedBlobs);
    }

    [Fact]
    public async Task A_failure_while_publishing_leaves_a_correct_repo_local_blob()
    {
        Directory.CreateDirectory(Entry); // The entry's name is taken by a folder: moving the payload there fails.

        string path = await _f.Api.DownloadFileAsync("acme/one", "model.bin");

        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        var blob = new FileInfo(RepoBlob("models--acme--one"));
        Assert.Null(blob.LinkTarget);
        Assert.Equal(Weights, File.ReadAllBytes(blob.FullName));
        Assert.True(Directory.Exists(Entry));
        Assert.DoesNotContain(Directory.GetFileSystemEntries(blob.DirectoryName!), e => e.EndsWith(".shared", StringComparison.Ordinal));

        // An unmarked blobs/ folder with content of someone else's is never adopted.
        string other = _f.Temp.Combine("other-cache");
        Directory.CreateDirectory(Path.Combine(other, "blobs"));
        File.WriteAllText(Path.Combine(other, "blobs", "notes.txt"), "mine");
        using var api = new HubApi(_f.Hub.CreateOptions(other));
        await api.DownloadFileAsync("acme/one", "model.bin");
        Assert.Equal(["notes.txt"], Directory.GetFileSystemEntries(Path.Combine(other, "blobs")).Select(Path.GetFileName));
        Assert.Null(new FileInfo(Path.Combine(other, "models--acme--one", "blobs", _file.Etag)).LinkTarget);
    }

    [Fact]
    public async Task Force_download_replaces_the_entry_and_every_repo_still_reads_the_file()
    {
        await _f.Api.DownloadFileAsync("acme/one", "model.bin");
        await _f.Api.DownloadFileAsync("acme/two", "weights/model.bin");

        string again = await _f.Api.DownloadFileAsync("acme/one", "model.bin", new DownloadFileOptions { ForceDownload = true });

        Assert.Equal(Weights, await File.ReadAllBytesAsync(again));
        Assert.NotNull(new FileInfo(RepoBlob("models--acme--one")).LinkTarget);
        Assert.Equal(Weights, File.ReadAllBytes(RepoBlob("models--acme--two")));
        Assert.Empty(HubCache.Scan(Root).Warnings);
    }

    /// <summary>
    /// A repo folder moved to another disk and symlinked back into the cache (a common way to make room): a link
    /// <c>../../blobs/{2 hex}/{hash}</c> would resolve next to the folder's real location, where there is no store, and
    /// moving the payload into the store would undo the move. Its blobs stay regular files, readable, and a second
    /// download finds them.
    /// </summary>
    [Fact]
    public async Task A_repo_folder_symlinked_from_another_disk_keeps_regular_blobs_that_read()
    {
        if (OperatingSystem.IsWindows()) return; // Folder symlinks need privileges there.
        Directory.CreateDirectory(Root);
        string elsewhere = _f.Temp.Combine("other-disk", "models--acme--one");
        Directory.CreateDirectory(elsewhere);
        Directory.CreateSymbolicLink(Path.Combine(Root, "models--acme--one"), elsewhere);

        string path = await _f.Api.DownloadFileAsync("acme/one", "model.bin");

        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        Assert.Null(new FileInfo(RepoBlob("models--acme--one")).LinkTarget);
        Assert.False(File.Exists(Entry));
        _f.Hub.ClearRequests();
        Assert.Equal(Weights, await File.ReadAllBytesAsync(await _f.Api.DownloadFileAsync("acme/one", "model.bin")));
        Assert.Equal(0, PayloadBytesOnTheWire(_f.Hub));
    }

    /// <summary>
    /// A run was stopped after the manifest line of a publish that reused an existing store entry (CrashPoints
    /// SharedBlobReferenced): the repo blob is still a regular file with the right bytes, and the store entry holds other
    /// bytes of the same size (written by another process, never checked by this one). The rerun finishes the publish
    /// only onto a verified entry; otherwise the good blob replaces the entry (before: the good repo blob became a link to
    /// the unchecked entry, and the download returned the wrong content).
    /// </summary>
    [UnixFact]
    public async Task Finishing_an_interrupted_publish_never_links_the_blob_to_an_unverified_entry()
    {
        string first = await _f.Api.DownloadFileAsync("acme/one", "model.bin");
        Assert.Equal($"../../blobs/{_file.XetHash![..2]}/{_file.XetHash}", new FileInfo(RepoBlob("models--acme--one")).LinkTarget);

        // The state a stopped rerun leaves: a regular repo blob (good bytes), listed in the entry's manifest, no snapshot entry.
        File.Delete(RepoBlob("models--acme--one"));
        await File.WriteAllBytesAsync(RepoBlob("models--acme--one"), Weights);
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
