using System.IO.Hashing;

namespace HubClient;

/// <summary>
/// Runs XxHash3 a little, once per process, before the first parallel download's connections start. System.IO.Hashing
/// is not precompiled (its vectorised code cannot be ReadyToRun), so it starts as unoptimised tier-0 code — about
/// 250 MB/s instead of 10+ GB/s — until the runtime recompiles it. Calling it early (about a millisecond of work) queues
/// that recompilation before the flood of first-time HTTP and file code does, so the checksums of the first chunks are
/// fast sooner.
/// </summary>
internal static class ChecksumWarmup
{
    private static int _started;

    public static void EnsureStarted()
    {
        if (Interlocked.Exchange(ref _started, 1) != 0) return;
        byte[] data = new byte[4096];
        var checksum = new XxHash3();
        for (int i = 0; i < 64; i++) checksum.Append(data);
        _ = checksum.GetCurrentHashAsUInt64();
    }
}
