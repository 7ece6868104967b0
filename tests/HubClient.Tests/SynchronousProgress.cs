namespace HubClient.Tests;

/// <summary>IProgress that reports inline (Progress&lt;T&gt; posts to the thread pool, which makes assertions racy).</summary>
public sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    private readonly Lock _lock = new();

    public void Report(T value)
    {
        lock (_lock) report(value);
    }
}
