// Download what a local runtime (ONNX Runtime, LLamaSharp, TorchSharp…) needs: one file, then a filtered snapshot.
//   dotnet run --project samples/DownloadModel
//   dotnet run --project samples/DownloadModel -- --endpoint https://huggingface.co --repo openai-community/gpt2
using HubClient;
using HubClient.Samples;

await using SampleHub hub = SampleHub.Start(args);
using var cache = new TempCache();
using var api = new HubApi(hub.CreateOptions(cache.Path));

// One file, with byte progress.
string config = await api.DownloadFileAsync(hub.RepoId, "config.json", new DownloadFileOptions
{
    Progress = new SynchronousProgress<DownloadProgress>(p => Console.WriteLine($"  config.json: {p.BytesDownloaded}/{p.TotalBytes} bytes")),
});
Console.WriteLine($"config.json -> {config}");

// A snapshot restricted by patterns (fnmatch, as huggingface_hub): the ONNX graph and the JSON files, not the safetensors.
string snapshot = await api.DownloadSnapshotAsync(hub.RepoId, new SnapshotDownloadOptions
{
    AllowPatterns = ["*.json", "onnx/*"],
    IgnorePatterns = ["*.safetensors"],
    MaxConcurrency = 4,
    Progress = new SynchronousProgress<SnapshotProgress>(p =>
        Console.WriteLine($"  snapshot: {p.FilesCompleted}/{p.TotalFiles} files, {p.BytesDownloaded}/{p.TotalBytes} bytes")),
});
Console.WriteLine($"snapshot -> {snapshot}");
foreach (string file in Directory.EnumerateFiles(snapshot, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
{
    Console.WriteLine($"  {Path.GetRelativePath(snapshot, file)}");
}

// The same files into a folder of your own (huggingface_hub's local_dir layout), e.g. to ship with an app.
string local = Path.Combine(cache.Path, "my-model");
await api.DownloadSnapshotAsync(hub.RepoId, new SnapshotDownloadOptions { AllowPatterns = ["*.json"], LocalDirectory = local });
Console.WriteLine($"local copy -> {local}: {string.Join(", ", Directory.EnumerateFiles(local).Select(Path.GetFileName).Order(StringComparer.Ordinal))}");

internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
