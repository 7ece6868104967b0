using System.CommandLine;

namespace HubClient.Cli;

/// <summary>Options every command understands; <c>HF_*</c> environment variables give their defaults.</summary>
internal static class GlobalOptions
{
    public static readonly Option<string?> Endpoint = new("--endpoint") { Description = "Hub URL (default: HF_ENDPOINT or https://huggingface.co)", };

    public static readonly Option<string?> Token = new("--token") { Description = "Access token (default: HF_TOKEN or the saved token file)" };

    public static readonly Option<bool> Verbose = new("--verbose") { Description = "Show more: full error details, the transport each downloaded file came over, revisions in cache scan, every path of a deletion plan", Recursive = true };

    public static readonly Option<string?> CacheDir = new("--cache-dir") { Description = "Cache folder (default: HF_HUB_CACHE or ~/.cache/huggingface/hub)", HelpName = "folder" };

    public static readonly Option<string?> RepoType = new("--repo-type")
    {
        Description = "model, dataset or space",
        DefaultValueFactory = _ => "model",
    };

    public static readonly Option<bool> Json = new("--json") { Description = "Print JSON for scripts" };

    static GlobalOptions() => RepoType.AcceptOnlyFromAmong("model", "dataset", "space");

    /// <summary>The client settings: <c>HF_*</c> environment variables, overridden by the options given.</summary>
    public static HubApiOptions CreateOptions(ParseResult result)
    {
        HubApiOptions options = HubApiOptions.FromEnvironment();
        if (result.GetValue(Endpoint) is { } endpoint) options.Endpoint = endpoint;
        if (result.GetValue(Token) is { } token)
        {
            if (token.AsSpan().IndexOfAnyExceptInRange('!', '~') >= 0)
            {
                throw new UsageException("--token must be printable ASCII without spaces or line breaks, as hub tokens are (a token file saved with CRLF?).");
            }
            options.Token = token;
        }
        if (GivenCacheDirectory(result) is { } cacheDir) options.CacheDirectory = cacheDir;
        return options;
    }

    /// <summary><c>--cache-dir</c> when given (a usage error when empty), else null.</summary>
    private static string? GivenCacheDirectory(ParseResult result)
    {
        if (result.GetResult(CacheDir) is null || result.GetValue(CacheDir) is not { } cacheDir) return null;
        if (string.IsNullOrWhiteSpace(cacheDir)) throw new UsageException("--cache-dir must name a folder (an empty value: an unset variable?).");
        return cacheDir;
    }

    /// <summary>An endpoint must be an absolute http(s) URL; anything else is a usage error naming where it came from.</summary>
    public static void ValidateEndpoint(string endpoint, string source)
    {
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.Host.Length == 0)
        {
            throw new UsageException($"{source} must be an absolute http(s) URL such as https://huggingface.co or http://localhost:8080, not '{endpoint}'.");
        }
    }

    /// <summary>
    /// The cache folder: <c>--cache-dir</c>, else the one the environment selects. Reads no other setting: the offline
    /// <c>cache</c> commands must not fail on a timeout or token they never use.
    /// </summary>
    public static string CacheDirectory(ParseResult result) => GivenCacheDirectory(result) ?? HubCache.DefaultCacheDirectory;

    public static RepoType ParseRepoType(ParseResult result) => result.GetValue(RepoType) switch
    {
        "dataset" => HubClient.RepoType.Dataset,
        "space" => HubClient.RepoType.Space,
        _ => HubClient.RepoType.Model,
    };

    /// <summary>The word <c>--repo-type</c> uses for a type: model, dataset or space.</summary>
    public static string RepoTypeName(RepoType type) => type switch
    {
        HubClient.RepoType.Dataset => "dataset",
        HubClient.RepoType.Space => "space",
        _ => "model",
    };
}
