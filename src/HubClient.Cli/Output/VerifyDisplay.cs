using System.Globalization;
using Spectre.Console;

namespace HubClient.Cli.Output;

/// <summary>
/// Shows <c>hub cache verify</c> progress: a live bar of bytes hashed on a terminal, one starting line when redirected,
/// nothing when JSON is printed.
/// </summary>
internal sealed class VerifyDisplay(CliContext context, bool silent)
{
    public async Task<T> RunAsync<T>(Func<IProgress<CacheVerifyProgress>?, Task<T>> work)
    {
        if (silent) return await work(null).ConfigureAwait(false);
        if (!context.IsInteractive) return await work(new PlainVerifyProgress(context.Error)).ConfigureAwait(false);

        T value = default!;
        await context.Terminal.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ByteColumns.Downloaded(),
                new ByteColumns.Speed(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                ProgressTask bar = ctx.AddTask("[bold]verifying[/]", maxValue: 1);
                bar.IsIndeterminate = true;
                var live = new LiveVerifyProgress(bar);
                value = await work(live).ConfigureAwait(false);
                live.Complete();
            }).ConfigureAwait(false);
        return value;
    }

    private sealed class LiveVerifyProgress(ProgressTask bar) : IProgress<CacheVerifyProgress>
    {
        private readonly Lock _lock = new();

        public void Report(CacheVerifyProgress value)
        {
            lock (_lock)
            {
                bar.MaxValue = Math.Max(1, value.BytesTotal);
                bar.IsIndeterminate = false;
                bar.Value = value.BytesDone;
                bar.Description = string.Create(CultureInfo.InvariantCulture, $"[bold]verifying[/] [grey]{value.BlobsDone}/{value.BlobsTotal} {Plural.Noun(value.BlobsTotal, "blob")}[/]");
            }
        }

        public void Complete()
        {
            lock (_lock) bar.Value = bar.MaxValue;
        }
    }

    private sealed class PlainVerifyProgress(TextWriter writer) : IProgress<CacheVerifyProgress>
    {
        private int _started;

        public void Report(CacheVerifyProgress value)
        {
            if (Interlocked.Exchange(ref _started, 1) == 0)
            {
                writer.WriteLine($"verifying {Plural.Of(value.BlobsTotal, "blob")} ({ByteSize.Format(value.BytesTotal)})");
            }
        }
    }
}
