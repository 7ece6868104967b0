namespace HubClient;

internal static class RepoTypeExtensions
{
    /// <summary>The prefix used in file URLs: empty for models, <c>datasets/</c> or <c>spaces/</c>.</summary>
    public static string UrlPrefix(this RepoType type) => type switch
    {
        RepoType.Model => "",
        RepoType.Dataset => "datasets/",
        RepoType.Space => "spaces/",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown repository type."),
    };

    /// <summary>The plural used in API paths and cache folder names: <c>models</c>, <c>datasets</c>, <c>spaces</c>.</summary>
    public static string Plural(this RepoType type) => type switch
    {
        RepoType.Model => "models",
        RepoType.Dataset => "datasets",
        RepoType.Space => "spaces",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown repository type."),
    };
}
