using System.CommandLine;

namespace HubClient.Cli.Commands.Cache;

/// <summary><c>hub cache</c>: inspect and clean the hub cache shared with Python's huggingface_hub (no network).</summary>
internal static class CacheCommand
{
    public static Command Create(CliContext context) => new("cache", "Inspect and clean the local hub cache (shared with huggingface_hub).")
    {
        CacheScanCommand.Create(context),
        CacheVerifyCommand.Create(context),
        CacheDeleteCommand.Create(context),
        CachePruneCommand.Create(context),
    };
}
