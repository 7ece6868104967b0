using System.Globalization;
using System.Text.RegularExpressions;

namespace HubClient;

/// <summary>The <c>HF_*</c> environment variables, read with huggingface_hub's defaults and precedence.</summary>
internal static partial class HubEnvironment
{
    public static HubApiOptions Read(Func<string, string?> env)
    {
        string hfHome = HfHome(env);
        var options = new HubApiOptions
        {
            Endpoint = NonEmpty(env("HF_ENDPOINT"))?.TrimEnd('/') ?? HubApiOptions.DefaultEndpoint,
            CacheDirectory = DefaultCacheDirectory(env),
            Offline = IsTrue(NonEmpty(env("HF_HUB_OFFLINE")) ?? env("TRANSFORMERS_OFFLINE")),
            DisableSymlinks = IsTrue(env("HF_HUB_DISABLE_SYMLINKS")),
            DisableXet = IsTrue(env("HF_HUB_DISABLE_XET")),
            DisableSharedBlobs = IsTrue(env("HF_HUB_DISABLE_SHARED_BLOBS")),
            MetadataTimeout = Seconds(env("HF_HUB_ETAG_TIMEOUT"), "HF_HUB_ETAG_TIMEOUT") ?? TimeSpan.FromSeconds(10),
            DownloadTimeout = Seconds(env("HF_HUB_DOWNLOAD_TIMEOUT"), "HF_HUB_DOWNLOAD_TIMEOUT") ?? TimeSpan.FromSeconds(10),
            UserAgent = NonEmpty(env("HF_HUB_USER_AGENT_ORIGIN")),
        };
        if (!IsTrue(env("HF_HUB_DISABLE_IMPLICIT_TOKEN")))
        {
            options.Token = CleanToken(NonEmpty(env("HF_TOKEN")) ?? env("HUGGING_FACE_HUB_TOKEN"))
                ?? ReadTokenFile(Expand(NonEmpty(env("HF_TOKEN_PATH")) ?? Path.Combine(hfHome, "token")));
        }
        return options;
    }

    public static string DefaultCacheDirectory(Func<string, string?> env) =>
        Expand(NonEmpty(env("HF_HUB_CACHE")) ?? NonEmpty(env("HUGGINGFACE_HUB_CACHE")) ?? Path.Combine(HfHome(env), "hub"));

    private static string HfHome(Func<string, string?> env)
    {
        string xdg = NonEmpty(env("XDG_CACHE_HOME")) ?? Path.Combine(UserHome(), ".cache");
        return Expand(NonEmpty(env("HF_HOME")) ?? Path.Combine(xdg, "huggingface"));
    }

    /// <summary>huggingface_hub's <c>_is_true</c>: 1, ON, YES, TRUE in any case.</summary>
    internal static bool IsTrue(string? value) =>
        value is not null && value.ToUpperInvariant() is "1" or "ON" or "YES" or "TRUE";

    /// <summary>
    /// A timeout in seconds; unset, empty or 0 mean the default, as huggingface_hub's <c>_as_int(…) or DEFAULT</c>.
    /// </summary>
    private static TimeSpan? Seconds(string? value, string name)
    {
        if (NonEmpty(value) is not { } text) return null;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) || !double.IsFinite(seconds) || seconds < 0
            || seconds > OptionChecks.MaxTimeout.TotalSeconds)
        {
            throw new ArgumentException($"{name} must be a number of seconds from 0 to {OptionChecks.MaxTimeout.TotalSeconds:0}, got '{text}'.");
        }
        return seconds == 0 ? null : TimeSpan.FromSeconds(seconds);
    }

    private static string? ReadTokenFile(string path)
    {
        try
        {
            return CleanToken(File.ReadAllText(path));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? CleanToken(string? token) => NonEmpty(token?.Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal).Trim());

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static string UserHome() => Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    /// <summary>
    /// Python's expanduser + expandvars: <c>~</c>, <c>~user</c> (on Unix, from the user database's file, as
    /// <c>pwd.getpwnam</c> reads it for local users), <c>$VAR</c> and <c>${VAR}</c>; unknown users and variables stay as written.
    /// </summary>
    private static string Expand(string path)
    {
        if (path.StartsWith('~'))
        {
            int slash = path.IndexOf('/', StringComparison.Ordinal);
            string user = slash < 0 ? path[1..] : path[1..slash];
            if (HomeOf(user) is { } home) path = home.TrimEnd('/') + (slash < 0 ? "" : path[slash..]);
        }
        return VariablePattern().Replace(path, m =>
        {
            string name = m.Groups["braced"].Success ? m.Groups["braced"].Value : m.Groups["plain"].Value;
            return Environment.GetEnvironmentVariable(name) ?? m.Value;
        });
    }

    /// <summary>The home folder of <paramref name="user"/> (the current user's when empty); null when unknown.</summary>
    private static string? HomeOf(string user)
    {
        if (user.Length == 0 || user == Environment.UserName) return UserHome();
        if (OperatingSystem.IsWindows()) return null;
        try
        {
            foreach (string line in File.ReadLines("/etc/passwd"))
            {
                // name:password:uid:gid:gecos:home:shell
                string[] fields = line.Split(':');
                if (fields.Length >= 7 && fields[0] == user && fields[5].Length > 0) return fields[5];
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No user database to read: the path stays as written, as Python leaves an unknown user's.
        }
        return null;
    }

    [GeneratedRegex(@"\$(?:(?<plain>\w+)|\{(?<braced>[^}]+)\})")]
    private static partial Regex VariablePattern();
}
