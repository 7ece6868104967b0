using System.CommandLine;

namespace HubClient.Cli;

/// <summary>Options every command understands; <c>HF_*</c> environment variables give their defaults.</summary>
internal static class GlobalOptions
{
    public static readonly Option<string?> Endpoint = new("--endpoint") { Description = "Hub URL (default: HF_ENDPOINT or https://huggingface.co)", Recursive = true };

    public static readonly Option<string?> Token = new("--token") { Description = "Access token (default: HF_TOKEN or the saved token file)", Recursive = true };

    public static readonly Option<bool> Verbose = new("--verbose") { Description = "Show full error details", Recursive = true };

    public static readonly Option<string?> CacheDir = new("--cache-dir") { Description = "Cache folder (default: HF_HUB_CACHE or ~/.cache/huggingface/hub)" };

    public static readonly Option<string?> RepoType = new("--repo-type")
    {
        Description = "model, dataset or space",
        DefaultValueFactory = _ => "model",
    };

    static GlobalOptions() => RepoType.AcceptOnlyFromAmong("model", "dataset", "space");

    public static HubApiOptions CreateOptions(ParseResult result)
    {
        HubApiOptions options = HubApiOptions.FromEnvironment();
        if (result.GetValue(Endpoint) is { } endpoint) options.Endpoint = endpoint;
        if (result.GetValue(Token) is { } token) options.Token = token;
        if (result.GetResult(CacheDir) is not null && result.GetValue(CacheDir) is { } cacheDir) options.CacheDirectory = cacheDir;
        return options;
    }

    public static RepoType ParseRepoType(ParseResult result) => result.GetValue(RepoType) switch
    {
        "dataset" => HubClient.RepoType.Dataset,
        "space" => HubClient.RepoType.Space,
        _ => HubClient.RepoType.Model,
    };
}
