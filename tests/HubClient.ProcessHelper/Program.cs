using System.Globalization;
using System.Runtime.InteropServices;

namespace HubClient.ProcessHelper;

/// <summary>
/// Downloads one file into a hub cache, as a separate process, and reports on stdout one line per event:
/// <c>ready</c>, <c>bytes {done}/{total}</c>, <c>paused {what}</c>, then <c>path {path}</c> (exit 0) or
/// <c>error {type}: {message}</c> (exit 1). Usage errors exit 2.
/// </summary>
/// <remarks>
/// Options: <c>--endpoint</c>, <c>--cache</c>, <c>--repo</c>, <c>--path</c> (required); <c>--revision</c>, <c>--token</c>,
/// <c>--offline</c>, <c>--copy-mode</c>, <c>--lock-timeout-ms</c>, <c>--download-timeout-ms</c>, <c>--progress</c> (print
/// bytes lines), <c>--wait-for-go</c> (print <c>ready</c>, then wait for a line <c>go</c> on stdin, so that several processes
/// start together), <c>--pause-at-bytes N</c> (block for good once N bytes are written, after printing <c>paused bytes N</c>),
/// <c>--pause-at POINT</c> (block at an internal publish step, see <c>CrashPoints</c>), <c>--resume-on-stdin</c> (a pause
/// lasts until a line <c>continue</c> on stdin instead of for good), <c>--max-file-size N</c> (Linux:
/// RLIMIT_FSIZE with SIGXFSZ ignored, so writes past N bytes fail with EFBIG: a full disk), and the transfer settings
/// <c>--parallel-threshold N</c>, <c>--chunk-size N</c>, <c>--connections N</c> (see <see cref="TransferOptions"/>),
/// <c>--local-dir DIR</c> (download into that folder instead of the cache).
/// </remarks>
internal static partial class Program
{
    private static readonly Lock Output = new();
    private static bool s_resumeOnStdin;
    private static int s_paused;

    public static async Task<int> Main(string[] args)
    {
        Dictionary<string, string?> options;
        try
        {
            options = Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return 2;
        }

        s_resumeOnStdin = options.ContainsKey("resume-on-stdin");
        if (options.TryGetValue("max-file-size", out string? maxFileSize)) LimitFileSize(long.Parse(maxFileSize!, CultureInfo.InvariantCulture));
        if (options.TryGetValue("pause-at", out string? point)) CrashPoints.Hook = reached => { if (reached == point) Pause("at " + reached); };

        var hubOptions = new HubApiOptions
        {
            Endpoint = Required(options, "endpoint"),
            CacheDirectory = Required(options, "cache"),
            Token = options.GetValueOrDefault("token"),
            Offline = options.ContainsKey("offline"),
            DisableSymlinks = options.ContainsKey("copy-mode"),
            Retry = new HubRetryOptions { BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(10), UseJitter = false },
        };
        if (options.TryGetValue("lock-timeout-ms", out string? lockMs)) hubOptions.LockTimeout = TimeSpan.FromMilliseconds(int.Parse(lockMs!, CultureInfo.InvariantCulture));
        if (options.TryGetValue("parallel-threshold", out string? threshold)) hubOptions.Transfer.ParallelThreshold = long.Parse(threshold!, CultureInfo.InvariantCulture);
        if (options.TryGetValue("chunk-size", out string? chunkSize)) hubOptions.Transfer.ChunkSize = int.Parse(chunkSize!, CultureInfo.InvariantCulture);
        if (options.TryGetValue("connections", out string? connections)) hubOptions.Transfer.MaxConnections = int.Parse(connections!, CultureInfo.InvariantCulture);
        if (options.TryGetValue("download-timeout-ms", out string? downloadMs)) hubOptions.DownloadTimeout = TimeSpan.FromMilliseconds(int.Parse(downloadMs!, CultureInfo.InvariantCulture));

        long pauseAt = options.TryGetValue("pause-at-bytes", out string? pauseBytes) ? long.Parse(pauseBytes!, CultureInfo.InvariantCulture) : -1;
        bool printProgress = options.ContainsKey("progress");
        var download = new DownloadFileOptions
        {
            Revision = options.GetValueOrDefault("revision"),
            LocalDirectory = options.GetValueOrDefault("local-dir"),
            Progress = new InlineProgress(p =>
            {
                if (printProgress) Print($"bytes {p.BytesDownloaded}/{p.TotalBytes}");
                if (pauseAt >= 0 && p.BytesDownloaded >= pauseAt) Pause($"bytes {p.BytesDownloaded}");
            }),
        };

        if (options.ContainsKey("wait-for-go"))
        {
            Print("ready");
            while (Console.ReadLine() is { } line && line != "go")
            {
            }
        }

        try
        {
            using var api = new HubApi(hubOptions);
            string path = await api.DownloadFileAsync(Required(options, "repo"), Required(options, "path"), download).ConfigureAwait(false);
            Print("path " + path);
            return 0;
        }
#pragma warning disable CA1031 // The helper reports every failure to the test on stdout.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Print($"error {PublicType(e.GetType()).Name}: {e.Message.ReplaceLineEndings(" ")}");
            return 1;
        }
    }

    /// <summary>
    /// Prints where the process is, then blocks this thread: for good (the test kills the process here), or with
    /// <c>--resume-on-stdin</c> until the test sends <c>continue</c>. Pauses once per process.
    /// </summary>
    private static void Pause(string what)
    {
        if (Interlocked.Exchange(ref s_paused, 1) != 0) return;
        Print("paused " + what);
        if (!s_resumeOnStdin) Thread.Sleep(Timeout.Infinite);
        while (Console.ReadLine() is { } line && line != "continue")
        {
        }
    }

    private static void Print(string line)
    {
        lock (Output)
        {
            Console.Out.WriteLine(line);
            Console.Out.Flush();
        }
    }

    /// <summary>The type a caller can name: the exception's own, or its nearest public base.</summary>
    private static Type PublicType(Type type)
    {
        while (!type.IsPublic && type.BaseType is { } baseType) type = baseType;
        return type;
    }

    private static string Required(Dictionary<string, string?> options, string name) =>
        options.TryGetValue(name, out string? value) && value is not null ? value : throw new ArgumentException($"--{name} is required.");

    private static Dictionary<string, string?> Parse(string[] args)
    {
        var flags = new HashSet<string>(StringComparer.Ordinal) { "offline", "copy-mode", "progress", "wait-for-go", "resume-on-stdin" };
        var options = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"Unexpected argument '{args[i]}'.");
            string name = args[i][2..];
            if (flags.Contains(name)) options[name] = null;
            else if (i + 1 < args.Length) options[name] = args[++i];
            else throw new ArgumentException($"--{name} needs a value.");
        }
        return options;
    }

    /// <summary>Makes writes past <paramref name="bytes"/> fail with EFBIG (instead of killing the process with SIGXFSZ).</summary>
    private static void LimitFileSize(long bytes)
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("--max-file-size needs Linux.");
        const int SIGXFSZ = 25;
        const int RLIMIT_FSIZE = 1;
        if (Signal(SIGXFSZ, 1 /* SIG_IGN */) == -1) throw new InvalidOperationException("signal(SIGXFSZ, SIG_IGN) failed.");
        var limit = new RLimit { Current = (ulong)bytes, Maximum = (ulong)bytes };
        if (SetRLimit(RLIMIT_FSIZE, ref limit) != 0) throw new InvalidOperationException($"setrlimit failed: errno {Marshal.GetLastPInvokeError()}.");
    }

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint Signal(int signal, nint handler);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetRLimit(int resource, ref RLimit limit);

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    private sealed class InlineProgress(Action<DownloadProgress> report) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value) => report(value);
    }
}
