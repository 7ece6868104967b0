using System.Diagnostics;
using System.Text;
using HubClient.Cli;
using HubClient.Tests.Cache;

namespace HubClient.Tests.Review;

/// <summary>Review of the Ctrl+C handling of c0bfa7a (PosixSignalRegistration, ProcessTerminationTimeout = null).</summary>
public sealed class SessionReviewCliTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>
    /// Ctrl+C at <c>hub cache delete</c>'s "Delete?" prompt. Before c0bfa7a System.CommandLine cancelled the token and,
    /// the action not stopping, ended the process (exit 130) two seconds later: nothing deleted. Now the handler swallows
    /// the signal (Cancel = true) and waits for an action that is blocked in a synchronous prompt: the Ctrl+C does nothing,
    /// and a 'y' typed afterwards deletes the repository and exits 0. The same holds for any synchronous phase that does not
    /// watch the token (a long scan, a plan's Execute).
    /// </summary>
    [UnixFact]
    public async Task Ctrl_C_at_the_delete_prompt_stops_the_command()
    {
        Assert.True(File.Exists("/usr/bin/script"), "needs util-linux's script for a pseudo-terminal");
        string cache = _temp.Combine("hub");
        var builder = new PythonCacheBuilder(cache);
        string commit = PythonCacheBuilder.Commit("main");
        builder.AddFile("models--acme--prompt", commit, "a.bin", Bytes.Random(10, 1));
        builder.SetRef("models--acme--prompt", "main", commit);
        string repoDir = Path.Combine(cache, "models--acme--prompt");

        string hub = typeof(HubCommandLine).Assembly.Location;
        string bin = Path.GetDirectoryName(hub)!;
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h : "dotnet";
        string command = string.Join(' ', new[]
        {
            host, "exec", "--runtimeconfig", Path.Combine(bin, "HubClient.Tests.runtimeconfig.json"), "--depsfile",
            Path.Combine(bin, "HubClient.Tests.deps.json"), hub, "cache", "delete", "acme/prompt", "--cache-dir", cache,
        }.Select(a => "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));
        var start = new ProcessStartInfo("/usr/bin/script")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in (string[])["-qfec", command, "/dev/null"]) start.ArgumentList.Add(a);
        using Process process = Process.Start(start)!;
        var seen = new StringBuilder();
        var prompted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task reader = Task.Run(async () =>
        {
            var buffer = new char[256];
            int n;
            while ((n = await process.StandardOutput.ReadAsync(buffer)) > 0)
            {
                lock (seen)
                {
                    seen.Append(buffer, 0, n);
                    if (seen.ToString().Contains("Delete?", StringComparison.Ordinal)) prompted.TrySetResult();
                }
            }
        });
        try
        {
            await prompted.Task.WaitAsync(TimeSpan.FromSeconds(60));
            await Task.Delay(500);
            await process.StandardInput.WriteAsync('\u0003'); // Ctrl+C on the terminal: SIGINT to the command
            await process.StandardInput.FlushAsync();
            bool stopped = await Task.Run(() => process.WaitForExit(TimeSpan.FromSeconds(10)));
            if (!stopped)
            {
                // The user, seeing nothing happen, answers the prompt that is still there.
                await process.StandardInput.WriteAsync("y\r");
                await process.StandardInput.FlushAsync();
                process.WaitForExit(TimeSpan.FromSeconds(20));
            }
            Assert.True(stopped, $"Ctrl+C at the prompt did not stop 'hub cache delete' within 10 s; repo still there: {Directory.Exists(repoDir)}. Output: {seen}");
            Assert.True(Directory.Exists(repoDir));
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await reader.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
