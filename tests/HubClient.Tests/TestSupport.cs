using System.Security.Cryptography;
using System.Text;

namespace HubClient.Tests;

/// <summary>A temp folder deleted at the end of the test.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "hubclient-tests", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            MakeWritable(Path);
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static void MakeWritable(string path)
    {
        foreach (string dir in Directory.EnumerateDirectories(path, "*", SearchOption.AllDirectories).Prepend(path))
        {
            if (OperatingSystem.IsWindows()) return;
            try { File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute); } catch (IOException) { }
        }
    }
}

/// <summary>A fake hub, a temp cache and a client for one test.</summary>
public sealed class HubFixture : IAsyncDisposable
{
    public HubFixture(Action<HubApiOptions>? configure = null)
    {
        Hub = FakeHub.Start();
        Temp = new TempDirectory();
        CacheDirectory = Temp.Combine("hub");
        Options = Hub.CreateOptions(CacheDirectory);
        configure?.Invoke(Options);
        Api = new HubApi(Options);
    }

    public FakeHub Hub { get; }

    public TempDirectory Temp { get; }

    public string CacheDirectory { get; }

    public HubApiOptions Options { get; }

    public HubApi Api { get; }

    public HubApi NewClient(Action<HubApiOptions>? configure = null)
    {
        HubApiOptions options = Hub.CreateOptions(CacheDirectory);
        configure?.Invoke(options);
        return new HubApi(options);
    }

    /// <summary>A client of the same cache whose hub refuses connections (the discard port) and is not retried.</summary>
    public HubApi UnreachableClient() => NewClient(o =>
    {
        o.Endpoint = "http://127.0.0.1:9";
        o.Retry.MaxRetries = 0;
    });

    public string RepoDir(string folder) => Path.Combine(CacheDirectory, folder);

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        await Hub.DisposeAsync();
        Temp.Dispose();
    }
}

public static class Bytes
{
    public static byte[] Random(int length, int seed = 1)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    public static string Text(string path) => Encoding.UTF8.GetString(File.ReadAllBytes(path));
}
