using System.Diagnostics;
using System.Globalization;

namespace HubClient.Benchmarks.Transfer;

/// <summary>What one external command cost.</summary>
internal sealed record ProcessResult(double Seconds, long PeakRssKb, int ExitCode, string Output, double CpuSeconds);

/// <summary>Runs a command and measures its wall time and (on Linux) its peak resident set, polled from <c>/proc</c>.</summary>
internal static class ProcessRunner
{
    public static ProcessResult Run(string file, IEnumerable<string> arguments, string? standardInput = null, string? workingDirectory = null,
        Dictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = standardInput is not null,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        foreach ((string name, string value) in environment ?? []) start.Environment[name] = value;

        var clock = Stopwatch.StartNew();
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start.");
        long peak = 0;
        double cpu = 0;
        using var polling = new CancellationTokenSource();
        Thread poller = new(() =>
        {
            while (!polling.IsCancellationRequested)
            {
                peak = Math.Max(peak, ReadPeakKb(process.Id));
                cpu = Math.Max(cpu, ReadCpuSeconds(process.Id));
                polling.Token.WaitHandle.WaitOne(10);
            }
        }) { IsBackground = true };
        poller.Start();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (standardInput is not null)
        {
            process.StandardInput.Write(standardInput);
            process.StandardInput.Close();
        }
        process.WaitForExit();
        double seconds = clock.Elapsed.TotalSeconds;
        polling.Cancel();
        poller.Join();
        string output = stdout.Result + stderr.Result;
        return new ProcessResult(seconds, peak, process.ExitCode, output, cpu);
    }

    /// <summary>VmHWM (peak resident set) of a process, in KiB; 0 when unknown.</summary>
    public static long ReadPeakKb(int pid) => ReadStatus($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status", "VmHWM:");

    /// <summary>
    /// User + system CPU of a process and of the children it waited for (xargs' curls), from <c>/proc/{pid}/stat</c>, in
    /// seconds (polled: the last few milliseconds before exit are missed).
    /// </summary>
    public static double ReadCpuSeconds(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // After the command name: state is field 3, so utime (14), stime (15), cutime (16), cstime (17) are at 11..14.
            long ticks = 0;
            for (int i = 11; i <= 14; i++) ticks += long.Parse(fields[i], CultureInfo.InvariantCulture);
            return ticks / 100.0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }

    public static long ReadOwnPeakKb() => ReadStatus("/proc/self/status", "VmHWM:");

    private static long ReadStatus(string path, string key)
    {
        try
        {
            foreach (string line in File.ReadLines(path))
            {
                if (!line.StartsWith(key, StringComparison.Ordinal)) continue;
                string number = line[key.Length..].Trim().Split(' ')[0];
                return long.Parse(number, CultureInfo.InvariantCulture);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            // The process ended between two polls.
        }
        return 0;
    }

    public static string? Which(string name)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>Flushes dirty pages so that one run's writes do not slow the next one down.</summary>
    public static void Sync()
    {
        if (Which("sync") is { } sync) Run(sync, []);
    }

    /// <summary>Kills a server process (and its children) if it still runs, and releases it.</summary>
    public static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        process.Dispose();
    }
}
