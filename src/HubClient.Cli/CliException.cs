namespace HubClient.Cli;

/// <summary>A problem a command reports as one clear line (exit code 1), such as a file missing from a download.</summary>
internal sealed class CliException : Exception
{
    public CliException()
    {
    }

    public CliException(string message)
        : base(message)
    {
    }

    public CliException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
