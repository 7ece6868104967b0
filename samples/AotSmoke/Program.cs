// Native AOT smoke test: HubClient downloads and verifies a file with no reflection, trimmed.
//   dotnet publish samples/AotSmoke -c Release -o artifacts/aot && artifacts/aot/AotSmoke --endpoint http://127.0.0.1:PORT
// Without --endpoint it starts nothing and only checks that the client can be built and validates input (the embedded
// demo hub is ASP.NET Core, which is not part of this trimmed app).
using HubClient;

string? endpoint = args.Length >= 2 && args[0] == "--endpoint" ? args[1] : null;
using var temp = new TempFolder();
using var api = new HubApi(new HubApiOptions { Endpoint = endpoint ?? "http://127.0.0.1:9", CacheDirectory = temp.Path });

try
{
    await api.DownloadFileAsync("../escape", "config.json");
    Console.Error.WriteLine("FAIL: an invalid repo id was accepted");
    return 1;
}
catch (ArgumentException)
{
    Console.WriteLine("ok: invalid repo id rejected");
}

if (endpoint is null)
{
    return 0;
}

string path = await api.DownloadFileAsync(args.Length >= 4 ? args[3] : "demo/tiny-model", "config.json");
using FileStream stream = File.OpenRead(path); // a snapshot entry is a symlink: FileInfo.Length would be the link's
Console.WriteLine($"ok: downloaded {path} ({stream.Length} bytes)");
return 0;

internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("hubclient-aot-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
