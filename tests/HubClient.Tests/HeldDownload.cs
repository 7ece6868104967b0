namespace HubClient.Tests;

/// <summary>
/// A download progress that holds the download at its first report (bytes are flowing, the blob's lock is taken) until
/// the test releases it, so that a second caller provably starts while the first is mid-transfer: the in-process twin of
/// the process helper's <c>--pause-at-bytes</c> with <c>--resume-on-stdin</c>.
/// </summary>
public sealed class HeldDownload : IProgress<DownloadProgress>, IDisposable
{
    private readonly ManualResetEventSlim _release = new();
    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _reports;

    /// <summary>Completes when the download is held mid-transfer.</summary>
    public Task Held => _held.Task;

    public void Report(DownloadProgress value)
    {
        if (value.BytesDownloaded == 0 || Interlocked.Exchange(ref _reports, 1) != 0) return;
        _held.SetResult();
        Assert.True(_release.Wait(TimeSpan.FromSeconds(60)), "The held download was never released.");
    }

    public void Release() => _release.Set();

    public void Dispose()
    {
        _release.Set();
        _release.Dispose();
    }

    /// <summary>Polls <paramref name="condition"/> (a request log, a file) until it holds; fails after a minute.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!condition())
        {
            Assert.False(guard.IsCancellationRequested, $"Not reached within 60 s: {what}");
            await Task.Delay(10);
        }
    }
}
