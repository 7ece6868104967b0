using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.RegularExpressions;

namespace HubClient.Cli.Commands.Cache;

/// <summary>
/// <c>hub cache prune</c>: removes stale partial downloads, set-aside corrupt blobs and detached revisions (no ref points at
/// them); shows the plan and asks first unless <c>--yes</c>.
/// </summary>
internal static partial class CachePruneCommand
{
    public static Command Create(CliContext context)
    {
        var olderThan = new Option<TimeSpan?>("--older-than")
        {
            Description = "Remove partial downloads and set-aside blobs untouched for this long: 30m, 12h, 7d, 2w (default 1d)",
            HelpName = "duration",
            CustomParser = ParseDuration,
        };
        var keepDetached = new Option<bool>("--keep-detached") { Description = "Keep revisions that no branch or tag points at" };
        var command = new Command("prune", "Delete stale partial downloads, set-aside corrupt blobs and detached revisions; shows the plan and asks first (--yes to skip).")
        {
            olderThan, keepDetached, DeletionPlanRunner.Yes, DeletionPlanRunner.DryRun, GlobalOptions.CacheDir,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            HubCacheInfo cache = HubCache.Scan(GlobalOptions.CacheDirectory(result));
            CacheDeletePlan plan = cache.Prune(new CachePruneOptions
            {
                OlderThan = result.GetValue(olderThan) ?? new CachePruneOptions().OlderThan,
                DetachedRevisions = !result.GetValue(keepDetached),
            });
            return await DeletionPlanRunner.RunAsync(context, result, plan, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>A number and a unit (s, m, h, d, w), or a .NET time span such as <c>1.12:00:00</c>; a bare number is refused.</summary>
    private static TimeSpan? ParseDuration(ArgumentResult result)
    {
        string text = result.Tokens[0].Value;
        Match match = DurationPattern().Match(text);
        if (match.Success)
        {
            double amount = double.Parse(match.Groups["amount"].Value, CultureInfo.InvariantCulture);
            try
            {
                return match.Groups["unit"].Value switch
                {
                    "s" => TimeSpan.FromSeconds(amount),
                    "m" => TimeSpan.FromMinutes(amount),
                    "h" => TimeSpan.FromHours(amount),
                    "d" => TimeSpan.FromDays(amount),
                    _ => TimeSpan.FromDays(amount * 7),
                };
            }
            catch (OverflowException)
            {
                result.AddError($"'{text}' is too long a duration: at most {TimeSpan.MaxValue.Days}d.");
                return null;
            }
        }
        // A bare number has no unit (is 7 days or minutes meant?); a .NET span needs its ':' (1.12:00:00).
        if (text.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out TimeSpan span) && span >= TimeSpan.Zero) return span;
        result.AddError($"Cannot read '{text}' as a duration: use a number and a unit, such as 30m, 12h, 7d or 2w.");
        return null;
    }

    [GeneratedRegex(@"^(?<amount>\d+(\.\d+)?)(?<unit>[smhdw])$")]
    private static partial Regex DurationPattern();
}
