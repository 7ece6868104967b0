namespace HubClient.Tests;

/// <summary>A fact that needs POSIX signals (<c>kill -INT</c>); on Windows it is reported as skipped, never as passed.</summary>
public sealed class UnixFactAttribute : FactAttribute
{
    public UnixFactAttribute()
    {
        if (OperatingSystem.IsWindows()) Skip = "Needs POSIX signals.";
    }
}
