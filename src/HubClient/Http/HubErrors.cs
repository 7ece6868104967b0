using System.Net;
using System.Text;
using System.Text.Json;

namespace HubClient;

/// <summary>Turns a failed hub answer into the <see cref="HubException"/> a caller can act on.</summary>
internal static class HubErrors
{
    internal const int MaxErrorBodyBytes = 64 * 1024;
    private const int MaxMessageChars = 2_000;

    /// <summary>What replaces the token wherever a server's message repeats it.</summary>
    internal const string Redacted = "[token redacted]";

    public static async Task<HubException> FromResponseAsync(HttpResponseMessage response, TimeProvider time, CancellationToken cancellationToken, string? token = null,
        TimeSpan? bodyTimeout = null)
    {
        // An error's body is only its message: one that does not arrive within the timeout is done without.
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (bodyTimeout is { } timeout && timeout != Timeout.InfiniteTimeSpan) limit.CancelAfter(timeout);
        string? body;
        try
        {
            body = await ReadBoundedBodyAsync(response, limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            body = null;
        }
        return FromResponse(response, body, time, token);
    }

    /// <summary>
    /// Maps an answer to its exception. Whatever the server says is quoted in the message, except <paramref name="token"/>:
    /// a proxy or a misbehaving server that echoes the request's credentials must not put them in exception messages.
    /// </summary>
    public static HubException FromResponse(HttpResponseMessage response, string? body, TimeProvider time, string? token = null)
    {
        HttpStatusCode status = response.StatusCode;
        string? errorCode = Header(response, "X-Error-Code") is { } code ? Redact(code, token) : null;
        string serverMessage = Redact(Header(response, "X-Error-Message") ?? MessageFromBody(body) ?? response.ReasonPhrase ?? "", token);
        string? requestId = (Header(response, "X-Request-Id") ?? Header(response, "X-Amzn-Trace-Id") ?? Header(response, "X-Amz-Cf-Id")) is { } id ? Redact(id, token) : null;
        Uri? uri = response.RequestMessage?.RequestUri;
        string message = Describe(status, serverMessage, requestId, uri);

        switch (errorCode)
        {
            case "RepoNotFound":
                return new RepositoryNotFoundException(message.TrimEnd('.') + RepoNotFoundHint, status, errorCode, requestId, uri);
            case "GatedRepo":
                return new GatedRepositoryException(message, status, errorCode, requestId, uri);
            case "RevisionNotFound":
                return new RevisionNotFoundException(message, status, errorCode, requestId, uri);
            case "EntryNotFound":
                return new EntryNotFoundException(message, status, errorCode, requestId, uri, Header(response, "X-Repo-Commit"));
        }
        if (status == HttpStatusCode.TooManyRequests)
        {
            return new RateLimitedException(message, RetryAfter.From(response, time), errorCode, requestId, uri);
        }
        if (status == HttpStatusCode.Unauthorized && !serverMessage.Contains("Invalid credentials", StringComparison.OrdinalIgnoreCase))
        {
            // The hub answers 401 for a repo that does not exist or is private, so as not to reveal which.
            return new RepositoryNotFoundException(message.TrimEnd('.') + RepoNotFoundHint, status, errorCode, requestId, uri);
        }
        return new HubException(message, status, errorCode, requestId, uri);
    }

    /// <summary>What to check, as huggingface_hub says it: the hub does not tell a missing repository from a private one.</summary>
    private const string RepoNotFoundHint =
        ". Check the repository id and its type (a dataset or a space needs RepoType), and for a private or gated repository, a token (HubApiOptions.Token or HF_TOKEN).";

    private static string Describe(HttpStatusCode status, string serverMessage, string? requestId, Uri? uri)
    {
        var text = new StringBuilder();
        text.Append((int)status).Append(' ').Append(status);
        if (uri is not null) text.Append(" for ").Append(uri.GetLeftPart(UriPartial.Path));
        if (serverMessage.Length > 0) text.Append(": ").Append(Truncate(serverMessage));
        if (requestId is not null) text.Append(" (request id ").Append(requestId).Append(')');
        return text.ToString();
    }

    private static string Redact(string message, string? token) =>
        token is { Length: > 0 } ? message.Replace(token, Redacted, StringComparison.Ordinal) : message;

    private static string Truncate(string s) => s.Length <= MaxMessageChars ? s : s[..MaxMessageChars] + "…";

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out IEnumerable<string>? values) ? values.FirstOrDefault() : null;

    private static async Task<string?> ReadBoundedBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                byte[] buffer = new byte[MaxErrorBodyBytes];
                int total = 0;
                int read;
                while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    total += read;
                }
                return Encoding.UTF8.GetString(buffer, 0, total);
            }
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>The hub's JSON error shapes: <c>error</c> (string or list), <c>error_description</c>, <c>errors[].message</c>.</summary>
    internal static string? MessageFromBody(string? body)
    {
        if (string.IsNullOrWhiteSpace(body)) return null;
        try
        {
            using var doc = JsonDocument.Parse(body);
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            var parts = new List<string>();
            if (root.TryGetProperty("error", out JsonElement error))
            {
                if (error.ValueKind == JsonValueKind.String) parts.Add(error.GetString()!);
                else if (error.ValueKind == JsonValueKind.Array)
                    parts.AddRange(error.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!));
            }
            if (root.TryGetProperty("error_description", out JsonElement description) && description.ValueKind == JsonValueKind.String)
                parts.Add(description.GetString()!);
            if (root.TryGetProperty("errors", out JsonElement errors) && errors.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement e in errors.EnumerateArray())
                {
                    if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty("message", out JsonElement m) && m.ValueKind == JsonValueKind.String)
                        parts.Add(m.GetString()!);
                }
            }
            return parts.Count > 0 ? string.Join("; ", parts) : null;
        }
        catch (JsonException)
        {
            return body.Trim().Length <= 500 && !body.TrimStart().StartsWith('<') ? body.Trim() : null;
        }
    }
}
