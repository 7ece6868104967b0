using System.Diagnostics;

namespace HubClient.Tests;

/// <summary>
/// A fact that needs Linux, root and a working <c>mount</c> (tmpfs, read-only bind mounts): a real full disk or a real
/// read-only file system. Elsewhere it is reported as skipped, with the reason, never as passed.
/// </summary>
public sealed class LinuxRootFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> WhyNot = new(Probe);

    public LinuxRootFactAttribute()
    {
        if (WhyNot.Value is { } reason) Skip = reason;
    }

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux()) return "Needs Linux.";
        if (Environment.UserName != "root") return "Needs root (mount).";
        using var probe = new TempDirectory();
        try
        {
            if (Mounts.Run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", probe.Path) != 0) return "mount -t tmpfs is not permitted here.";
            Mounts.Run("umount", probe.Path);
            return null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "No mount command.";
        }
    }
}

/// <summary>Runs <c>mount</c>/<c>umount</c>.</summary>
public static class Mounts
{
    public static int Run(string command, params string[] args)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        using Process process = Process.Start(start)!;
        process.WaitForExit();
        return process.ExitCode;
    }

    public static void MountTmpfs(string path, string size) =>
        Assert.Equal(0, Run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", path));

    public static void Unmount(string path) => Run("umount", "-l", path);
}
