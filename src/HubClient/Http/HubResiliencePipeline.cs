using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace HubClient;

/// <summary>
/// Builds the Polly pipeline that retries hub requests: 408/429/5xx and network errors, honouring <c>Retry-After</c>. Every
/// retry is spent from the request's <see cref="RetryBudget"/> (passed in the <see cref="ResilienceContext"/>), which the
/// download body loop shares, and a server that cannot be reached is retried only within
/// <see cref="HubRetryOptions.ConnectFailureTimeout"/>.
/// </summary>
internal static class HubResiliencePipeline
{
    /// <summary>The key under which <see cref="HubHttp"/> passes the request's budget to the pipeline.</summary>
    public static readonly ResiliencePropertyKey<RetryBudget> BudgetKey = new("HubClient.RetryBudget");

    /// <summary>The attempt's method and URL (without query), for logging a retry after an exception (no response to read them from).</summary>
    public static readonly ResiliencePropertyKey<(string Method, string Url)> RequestKey = new("HubClient.Request");

    public static ResiliencePipeline<HttpResponseMessage> Create(HubRetryOptions retry, TimeProvider time, ILogger logger)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time };
        if (retry.MaxRetries <= 0) return builder.Build();

        return builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
        {
            MaxRetryAttempts = retry.MaxRetries,
            BackoffType = DelayBackoffType.Exponential,
            Delay = retry.BaseDelay,
            MaxDelay = retry.MaxDelay,
            UseJitter = retry.UseJitter,
            ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context, retry, time)),
            DelayGenerator = args => ValueTask.FromResult(Delay(args.Outcome, args.Context, args.AttemptNumber, retry, time)),
            OnRetry = args =>
            {
                HubTelemetry.Retries.Add(1);
                string reason = args.Outcome.Result is { } r ? ((int)r.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture)
                    : args.Outcome.Exception?.Message ?? "failure";
                (string method, string url) = args.Outcome.Result?.RequestMessage is { } request
                    ? (request.Method.Method, request.RequestUri?.GetLeftPart(UriPartial.Path) ?? "")
                    : args.Context.Properties.TryGetValue(RequestKey, out (string Method, string Url) sent) ? sent : ("request", "");
                HubLog.Retrying(logger, method, url, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds, reason);
                return ValueTask.CompletedTask;
            },
        }).Build();
    }

    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, ResilienceContext context, HubRetryOptions retry, TimeProvider time)
    {
        context.Properties.TryGetValue(BudgetKey, out RetryBudget? budget);
        if (outcome.Exception is { } exception)
        {
            if (!TransientFailure.IsTransientException(exception)) return false;
            if (budget is not null && RetryBudget.IsConnectFailure(exception) && !budget.HasConnectTimeLeft) return false;
            return budget?.TryConsume() ?? true;
        }
        if (outcome.Result is not { } response || !TransientFailure.IsTransientStatus(response.StatusCode)) return false;
        // A wait longer than the caller accepts is handed back as RateLimitedException instead of blocking.
        if (RetryAfter.From(response, time) is { } wait && wait > retry.MaxRetryAfter) return false;
        return budget?.TryConsume() ?? true;
    }

    /// <summary><c>Retry-After</c> when the server sent one; a connection failure's backoff cut to the connect time left; else Polly's backoff.</summary>
    private static TimeSpan? Delay(Outcome<HttpResponseMessage> outcome, ResilienceContext context, int attempt, HubRetryOptions retry, TimeProvider time)
    {
        if (outcome.Result is { } response) return RetryAfter.From(response, time);
        if (outcome.Exception is { } exception && RetryBudget.IsConnectFailure(exception)
            && context.Properties.TryGetValue(BudgetKey, out RetryBudget? budget))
        {
            double factor = Math.Pow(2, Math.Min(attempt, 30));
            TimeSpan backoff = TimeSpan.FromTicks((long)Math.Min(retry.BaseDelay.Ticks * factor, retry.MaxDelay.Ticks));
            return budget.ConnectRetryDelay(backoff);
        }
        return null;
    }
}
