namespace HubClient.Cli;

/// <summary>Where a command writes, and whether a live display is possible there.</summary>
internal sealed class CliContext(TextWriter output, TextWriter error)
{
    public TextWriter Output { get; } = output;

    public TextWriter Error { get; } = error;

    /// <summary>Live progress bars only on a real terminal; redirected output gets plain lines.</summary>
    public bool IsInteractive => ReferenceEquals(Output, Console.Out) && !Console.IsOutputRedirected && !Console.IsErrorRedirected;
}
