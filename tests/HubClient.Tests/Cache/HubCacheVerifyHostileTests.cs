using System.Diagnostics;

namespace HubClient.Tests.Cache;

/// <summary>
/// <see cref="HubCache.VerifyAsync"/> on a cache holding something that is no regular file where a blob should be: a named
/// pipe (FIFO) named like a blob. Opening it for reading blocks until some writer appears, so hashing it never ends; the
/// scan (which only stats it) lists it as a 0-byte blob. Verify must finish, reporting it, not hang.
/// </summary>
public sealed class HubCacheVerifyHostileTests : IDisposable
{
    private const string Folder = "models--acme--tiny";
    private readonly TempDirectory _temp = new();
    private readonly PythonCacheBuilder _cache;
    private readonly string _commit = PythonCacheBuilder.Commit("main");

    public HubCacheVerifyHostileTests() => _cache = new PythonCacheBuilder(_temp.Combine("hub"));

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_fifo_named_like_a_blob_does_not_hang_verify()
    {
        if (!OperatingSystem.IsLinux()) return;
        byte[] content = Bytes.Random(100, 1);
        string blob = _cache.AddFile(Folder, _commit, "config.json", content);
        File.Delete(blob);
        using (Process mkfifo = Process.Start("mkfifo", [blob]))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        Task<CacheVerifyReport> verify = Task.Run(() => HubCache.VerifyAsync(_cache.CacheDirectory));
        Task finished = await Task.WhenAny(verify, Task.Delay(TimeSpan.FromSeconds(20)));
        if (finished != verify)
        {
            // Unblock the reader so the test host can end: a writer opens and closes the pipe (the reader then sees EOF).
            try
            {
                await using (new FileStream(blob, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Write })) { }
                await verify.WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (Exception e) when (e is IOException or NotSupportedException or TimeoutException)
            {
                // What verify does once unblocked is not this test's question.
            }
            Assert.Fail("HubCache.VerifyAsync was still hashing a FIFO after 20 s.");
        }

        CacheVerifyReport report = await verify;
        Assert.False(report.IsHealthy);
    }
}
