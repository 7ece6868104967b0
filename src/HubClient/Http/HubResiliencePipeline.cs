using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace HubClient;

/// <summary>Builds the Polly pipeline that retries hub requests: 408/429/5xx and network errors, honouring <c>Retry-After</c>.</summary>
internal static class HubResiliencePipeline
{
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
            ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, retry, time)),
            DelayGenerator = args => ValueTask.FromResult(
                args.Outcome.Result is { } response ? RetryAfter.From(response, time) : null),
            OnRetry = args =>
            {
                HubTelemetry.Retries.Add(1);
                HttpRequestMessage? request = args.Outcome.Result?.RequestMessage;
                string reason = args.Outcome.Result is { } r ? ((int)r.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture)
                    : args.Outcome.Exception?.GetType().Name ?? "failure";
                HubLog.Retrying(logger, request?.Method.Method ?? "request", request?.RequestUri?.GetLeftPart(UriPartial.Path) ?? "",
                    args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds, reason);
                return ValueTask.CompletedTask;
            },
        }).Build();
    }

    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, HubRetryOptions retry, TimeProvider time)
    {
        if (outcome.Exception is { } exception) return TransientFailure.IsTransientException(exception);
        if (outcome.Result is not { } response || !TransientFailure.IsTransientStatus(response.StatusCode)) return false;
        // A wait longer than the caller accepts is handed back as RateLimitedException instead of blocking.
        return RetryAfter.From(response, time) is not { } wait || wait <= retry.MaxRetryAfter;
    }
}
