namespace HubClient.Cli;

/// <summary>The <c>hub</c> command's exit codes.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Error = 1;
    public const int Usage = 2;

    /// <summary>Stopped by Ctrl+C (SIGINT) or SIGTERM: 128 + SIGINT's number, as shells report it.</summary>
    public const int Cancelled = 130;
}
