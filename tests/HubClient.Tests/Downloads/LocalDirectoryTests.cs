using System.Globalization;

namespace HubClient.Tests.Downloads;

public sealed class LocalDirectoryTests : IAsyncLifetime
{
    private const string Repo = "acme/tiny-model";
    private static readonly byte[] Weights = Bytes.Random(200_000, seed: 7);
    private readonly HubFixture _f = new();
    private FakeCommit _commit = null!;
    private string _dir = null!;

    public Task InitializeAsync()
    {
        _commit = _f.Hub.AddRepo(Repo).Commit(c => c.Add("onnx/config.json", "{\"a\":1}").AddLfs("model.onnx", Weights));
        _dir = _f.Temp.Combine("local");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    private DownloadFileOptions Local => new() { LocalDirectory = _dir };

    [Fact]
    public async Task File_lands_in_the_folder_with_huggingface_hub_metadata()
    {
        string path = await _f.Api.DownloadFileAsync(Repo, "onnx/config.json", Local);

        Assert.Equal(Path.Combine(_dir, "onnx", "config.json"), path);
        Assert.Equal("{\"a\":1}", Bytes.Text(path));
        string[] lines = File.ReadAllLines(Path.Combine(_dir, ".cache", "huggingface", "download", "onnx", "config.json.metadata"));
        Assert.Equal(_commit.Sha, lines[0]);
        Assert.Equal(_commit.Files["onnx/config.json"].GitSha1, lines[1]);
        double written = double.Parse(lines[2], CultureInfo.InvariantCulture);
        Assert.InRange(written, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        Assert.Equal("*", File.ReadAllText(Path.Combine(_dir, ".cache", "huggingface", ".gitignore")));
        Assert.False(Directory.Exists(_f.CacheDirectory) && Directory.EnumerateFiles(_f.CacheDirectory, "*", SearchOption.AllDirectories).Any());
    }

    [Fact]
    public async Task Second_call_downloads_nothing_and_a_pinned_commit_makes_no_request()
    {
        await _f.Api.DownloadFileAsync(Repo, "model.onnx", Local);
        _f.Hub.ClearRequests();

        await _f.Api.DownloadFileAsync(Repo, "model.onnx", Local);
        Assert.DoesNotContain(_f.Hub.Requests, r => r.Method == "GET");

        _f.Hub.ClearRequests();
        string path = await _f.Api.DownloadFileAsync(Repo, "model.onnx", new DownloadFileOptions { LocalDirectory = _dir, Revision = _commit.Sha });
        Assert.Empty(_f.Hub.Requests);
        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task File_edited_after_download_is_replaced_by_the_hub_version()
    {
        string path = await _f.Api.DownloadFileAsync(Repo, "model.onnx", Local);
        await File.WriteAllTextAsync(path, "edited");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(5));

        await _f.Api.DownloadFileAsync(Repo, "model.onnx", Local);

        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task Blob_already_in_the_cache_is_copied_instead_of_downloaded()
    {
        await _f.Api.DownloadFileAsync(Repo, "model.onnx");
        _f.Hub.ClearRequests();

        string path = await _f.Api.DownloadFileAsync(Repo, "model.onnx", Local);

        Assert.DoesNotContain(_f.Hub.Requests, r => r.Method == "GET");
        Assert.Equal(Weights, await File.ReadAllBytesAsync(path));
        Assert.Null(new FileInfo(path).LinkTarget);
    }

    [Fact]
    public async Task Offline_returns_the_local_file_or_throws()
    {
        await _f.Api.DownloadFileAsync(Repo, "model.onnx", Local);
        using HubApi offline = _f.NewClient(o => o.Offline = true);

        Assert.Equal(Weights, await File.ReadAllBytesAsync(await offline.DownloadFileAsync(Repo, "model.onnx", Local)));
        await Assert.ThrowsAsync<LocalEntryNotFoundException>(() => offline.DownloadFileAsync(Repo, "onnx/config.json", Local));
    }

    [Fact]
    public async Task Corrupted_download_leaves_no_file_in_the_folder()
    {
        _f.Hub.InjectFault(FakeFault.CorruptByte(10), RequestFilters.Download("model.onnx"));

        await Assert.ThrowsAsync<HubIntegrityException>(() => _f.Api.DownloadFileAsync(Repo, "model.onnx", Local));

        Assert.False(File.Exists(Path.Combine(_dir, "model.onnx")));
        Assert.Empty(Directory.EnumerateFiles(_dir, "*.incomplete", SearchOption.AllDirectories));
    }

    /// <summary>
    /// An 80-character CJK name is 244 bytes of UTF-8: its <c>.metadata</c> (253 bytes) fits a file name, as huggingface_hub
    /// writes it, but a temp sibling with a random tag does not. (Found by a new-user review: the file was written, then
    /// the metadata threw <see cref="PathTooLongException"/>, and every rerun downloaded it again.)
    /// </summary>
    [Fact]
    public async Task A_name_whose_metadata_just_fits_a_file_name_is_downloaded_once()
    {
        string name = new string('\u6a21', 80) + ".txt";
        _f.Hub.FindRepo(Repo)!.Commit(c => c.Add(name, "x"));

        string path = await _f.Api.DownloadFileAsync(Repo, name, Local);
        _f.Hub.ClearRequests();
        await _f.Api.DownloadFileAsync(Repo, name, Local);

        Assert.Equal("x", Bytes.Text(path));
        Assert.True(File.Exists(Path.Combine(_dir, ".cache", "huggingface", "download", name + ".metadata")));
        Assert.DoesNotContain(_f.Hub.Requests, r => r.Method == "GET");
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_dir, ".cache", "huggingface", "download"), "*.tmp"));
    }
}
