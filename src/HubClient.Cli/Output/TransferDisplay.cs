using System.Collections.Concurrent;
using Spectre.Console;

namespace HubClient.Cli.Output;

/// <summary>
/// Shows download progress: live Spectre.Console bars (per file and total, speed, ETA) on a terminal, plain lines when
/// output is redirected, nothing with --quiet. Progress reports may arrive from several threads at once.
/// </summary>
internal sealed class TransferDisplay
{
    private readonly CliContext _context;
    private readonly bool _quiet;

    public TransferDisplay(CliContext context, bool quiet)
    {
        _context = context;
        _quiet = quiet;
    }

    /// <summary>Runs <paramref name="work"/> with a sink for per-file progress.</summary>
    public async Task<T> RunAsync<T>(string title, Func<IProgress<DownloadProgress>, Task<T>> work)
    {
        if (_quiet) return await work(new Progress<DownloadProgress>(_ => { })).ConfigureAwait(false);
        if (!_context.IsInteractive)
        {
            var plain = new PlainProgress(_context.Error);
            T result = await work(plain).ConfigureAwait(false);
            plain.Finish();
            return result;
        }

        T value = default!;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(),
                new TransferSpeedColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                ProgressTask total = ctx.AddTask($"[bold]{Markup.Escape(title)}[/]", maxValue: 1);
                var live = new LiveProgress(ctx, total);
                value = await work(live).ConfigureAwait(false);
                live.Complete();
            }).ConfigureAwait(false);
        return value;
    }

    private sealed class LiveProgress(ProgressContext context, ProgressTask total) : IProgress<DownloadProgress>
    {
        private readonly ConcurrentDictionary<string, (ProgressTask Task, long Done, long Size)> _files = new();
        private readonly Lock _lock = new();

        public void Report(DownloadProgress value)
        {
            lock (_lock)
            {
                long size = value.TotalBytes ?? 0;
                if (!_files.TryGetValue(value.Path, out var entry))
                {
                    entry = (context.AddTask(Markup.Escape(value.Path), maxValue: Math.Max(1, size)), 0, size);
                }
                entry.Task.MaxValue = Math.Max(1, size);
                entry.Task.Value = value.BytesDownloaded;
                _files[value.Path] = (entry.Task, value.BytesDownloaded, size);
                total.MaxValue = Math.Max(1, _files.Values.Sum(f => f.Size));
                total.Value = _files.Values.Sum(f => f.Done);
            }
        }

        public void Complete()
        {
            lock (_lock)
            {
                total.Value = total.MaxValue;
                foreach (var file in _files.Values) file.Task.Value = file.Task.MaxValue;
            }
        }
    }

    private sealed class PlainProgress(TextWriter writer) : IProgress<DownloadProgress>
    {
        private readonly ConcurrentDictionary<string, bool> _finished = new();

        public void Report(DownloadProgress value)
        {
            if (value.TotalBytes is { } size && value.BytesDownloaded >= size && _finished.TryAdd(value.Path, true))
            {
                lock (writer) writer.WriteLine($"downloaded {value.Path} ({ByteSize.Format(size)})");
            }
        }

        public void Finish() => writer.Flush();
    }
}
