using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace HubClient.Cli;

/// <summary>
/// Turns an exception into the one line <c>hub</c> prints and its exit code: what went wrong in the user's terms and what to
/// try. URLs, request ids and stack traces are for <c>--verbose</c>.
/// </summary>
internal static partial class ErrorMessages
{
    public static (string Line, int ExitCode) Describe(Exception e, ParseResult parse)
    {
        string? repo = ArgumentValue(parse, "repo");
        string repoType = parse.CommandResult.Command.Options.Contains(GlobalOptions.RepoType) ? parse.GetValue(GlobalOptions.RepoType) ?? "model" : "model";
        string? revision = OptionValue(parse, "--revision");
        return e switch
        {
            UsageException => (e.Message, ExitCodes.Usage),
            ArgumentException a => (WithoutParameterName(a.Message), ExitCodes.Usage),
            GatedRepositoryException =>
                ($"{repo ?? "the repository"} is gated: accept its terms on the hub with the account of your token, then pass that token (--token or HF_TOKEN).", ExitCodes.Error),
            RepositoryNotFoundException =>
                ($"{repo ?? "the repository"} was not found, or it is private and your token gives no access: check the id, --repo-type ({repoType}) and --token.", ExitCodes.Error),
            RevisionNotFoundException =>
                ($"{repo ?? "the repository"} has no revision '{revision ?? "main"}': check --revision (a branch, tag or commit); 'hub info {repo}' shows the main branch's commit.", ExitCodes.Error),
            EntryNotFoundException =>
                ($"{repo ?? "the repository"}@{revision ?? "main"} has no such file: {FirstSentence(WithoutRequest(e))} 'hub ls {repo} -R' lists the files.", ExitCodes.Error),
            RateLimitedException { RetryAfter: var retryAfter } =>
                ($"the hub is limiting your requests: try again {(retryAfter is { } wait ? "in " + Duration(wait) : "later")} (a token, --token or HF_TOKEN, raises the limit).", ExitCodes.Error),
            HubException { StatusCode: System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden } =>
                ($"the hub refused access ({(int)((HubException)e).StatusCode!}): check --token (or HF_TOKEN) and that it may read {repo ?? "the repository"}.", ExitCodes.Error),
            HttpRequestException h when h.InnerException is System.Net.Sockets.SocketException s =>
                ($"cannot reach the hub: {s.Message}. Check --endpoint (or HF_ENDPOINT) and your connection.", ExitCodes.Error),
            _ => (WithoutRequest(e), ExitCodes.Error),
        };
    }

    /// <summary>
    /// An error's message without the request's address and id (<c>--verbose</c> prints them): " for {url}" goes, and any
    /// other URL quoted (a protocol error's, a cause's) keeps only its path.
    /// </summary>
    private static string WithoutRequest(Exception e)
    {
        string message = e.Message;
        if (e is HubException { RequestUri: { } uri }) message = message.Replace(" for " + uri.GetLeftPart(UriPartial.Path), "", StringComparison.Ordinal);
        if (e is HubException { RequestId: { } id }) message = message.Replace(" (request id " + id + ")", "", StringComparison.Ordinal);
        return UrlOrigin().Replace(message, "");
    }

    [GeneratedRegex(@"\bhttps?://[^/\s]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UrlOrigin();

    private static string Duration(TimeSpan wait) => wait switch
    {
        { TotalHours: >= 1 } => $"{Math.Ceiling(wait.TotalHours):0} h",
        { TotalMinutes: >= 1 } => $"{Math.Ceiling(wait.TotalMinutes):0} min",
        _ => $"{Math.Max(1, Math.Ceiling(wait.TotalSeconds)):0} s",
    };

    /// <summary>What <c>--verbose</c> adds: the request's URL and id, then the exception with its stack.</summary>
    public static string Details(Exception e)
    {
        string request = e is HubException { RequestUri: { } uri } h ? $"request: {uri}{(h.RequestId is { } id ? $" (request id {id})" : "")}\n" : "";
        return request + e;
    }

    /// <summary>.NET's " (Parameter 'repoId')" suffix names code, not the command line.</summary>
    public static string WithoutParameterName(string message) => ParameterSuffix().Replace(message, "");

    private static string FirstSentence(string message)
    {
        int end = message.IndexOf(" (request id", StringComparison.Ordinal);
        string text = end < 0 ? message : message[..end];
        return text.EndsWith('.') ? text : text + ".";
    }

    private static string? ArgumentValue(ParseResult parse, string name) =>
        parse.CommandResult.Children.OfType<ArgumentResult>().FirstOrDefault(a => a.Argument.Name == name) is { Tokens.Count: > 0 } result ? result.Tokens[0].Value : null;

    private static string? OptionValue(ParseResult parse, string name) =>
        parse.CommandResult.Children.OfType<OptionResult>().FirstOrDefault(o => o.Option.Name == name) is { Tokens.Count: > 0 } result ? result.Tokens[0].Value : null;

    [GeneratedRegex(@" \(Parameter '[^']*'\)$")]
    private static partial Regex ParameterSuffix();
}
