using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Threading.Channels;

namespace HubClient.Tests.Processes;

/// <summary>
/// A run of <c>HubClient.ProcessHelper</c> in its own process. Its stdout lines arrive as they are printed, so a test can
/// wait for a line (never for a time) and then kill the process with SIGKILL at a moment it knows.
/// </summary>
public sealed class HelperProcess : IDisposable
{
    /// <summary>A guard against hangs only; every wait ends on a line or an exit long before this.</summary>
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly StringBuilder _transcript = new();
    private readonly StringBuilder _stderr = new();

    private HelperProcess(Process process) => _process = process;

    public static string HelperPath
    {
        get
        {
            string? path = typeof(HelperProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .SingleOrDefault(a => a.Key == "ProcessHelperPath")?.Value;
            Assert.True(path is not null && File.Exists(path), $"The process helper was not built at '{path}'.");
            return Path.GetFullPath(path);
        }
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Starts the helper with <paramref name="args"/>, plus environment variables.</summary>
    public static HelperProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(HelperPath);
        foreach (string arg in args) start.ArgumentList.Add(arg);
        foreach (string name in new[] { "HF_TOKEN", "HF_HUB_OFFLINE", "HF_HUB_DISABLE_SYMLINKS", "HF_ENDPOINT" }) start.Environment.Remove(name);
        if (environment is not null)
        {
            foreach ((string name, string value) in environment) start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        var helper = new HelperProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                helper._lines.Writer.TryComplete();
                return;
            }
            lock (helper._transcript) helper._transcript.AppendLine(e.Data);
            helper._lines.Writer.TryWrite(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (helper._stderr) helper._stderr.AppendLine(e.Data);
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return helper;
    }

    /// <summary>Arguments for a download of <paramref name="path"/> from <paramref name="hub"/> into <paramref name="cache"/>.</summary>
    public static List<string> DownloadArgs(FakeHub hub, string cache, string repo, string path, params string[] extra) =>
        ["--endpoint", hub.Endpoint, "--cache", cache, "--repo", repo, "--path", path, .. extra];

    public string Transcript
    {
        get
        {
            lock (_transcript) lock (_stderr) return _transcript + (_stderr.Length > 0 ? "stderr:\n" + _stderr : "");
        }
    }

    /// <summary>Waits for the next line that matches; fails with the transcript if the process ends first.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match)
    {
        using var guard = new CancellationTokenSource(Guard);
        try
        {
            while (await _lines.Reader.WaitToReadAsync(guard.Token))
            {
                while (_lines.Reader.TryRead(out string? line))
                {
                    if (match(line)) return line;
                }
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"No expected line from helper {Id} within {Guard.TotalSeconds} s:\n{Transcript}");
        }
        Assert.Fail($"Helper {Id} ended without the expected line:\n{Transcript}");
        return "";
    }

    public Task<string> WaitForLineAsync(string prefix) => WaitForLineAsync(l => l.StartsWith(prefix, StringComparison.Ordinal));

    public void Send(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    /// <summary>SIGKILL (what <see cref="Process.Kill()"/> sends on Unix), then waits until the process is gone.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync(new CancellationTokenSource(Guard).Token);
    }

    /// <summary>Waits for the exit and returns the exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        using var guard = new CancellationTokenSource(Guard);
        try
        {
            await _process.WaitForExitAsync(guard.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
            Assert.Fail($"Helper {Id} did not exit within {Guard.TotalSeconds} s:\n{Transcript}");
        }
        return _process.ExitCode;
    }

    /// <summary>Waits for a successful exit and returns the path the helper printed.</summary>
    public async Task<string> SucceedsAsync()
    {
        int code = await WaitForExitAsync();
        Assert.True(code == 0, $"Helper {Id} exited with {code}:\n{Transcript}");
        string? line = Transcript.Split('\n').Select(l => l.TrimEnd('\r')).LastOrDefault(l => l.StartsWith("path ", StringComparison.Ordinal));
        Assert.True(line is not null, $"Helper {Id} printed no path:\n{Transcript}");
        return line["path ".Length..];
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill();
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
