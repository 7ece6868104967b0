using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace HubClient.Cli.Output;

/// <summary>
/// Shows download progress: live Spectre.Console bars (speed, ETA) on a terminal, plain lines on the error stream when
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

    /// <summary>What the last snapshot run selected and whether it fetched anything (null before one ran).</summary>
    public SnapshotTally? Snapshot { get; private set; }

    /// <summary>
    /// Runs <paramref name="work"/> with a sink for per-file progress: one bar per file and a total; says so when the file was
    /// already cached (the library logged no download into the cache).
    /// </summary>
    /// <param name="title">The bar's label (the repository).</param>
    /// <param name="cachedPath">The file's path in the repository, to say it was already cached; null not to tell.</param>
    /// <param name="work">The download, given the progress sink (null with --quiet).</param>
    public async Task<T> RunFilesAsync<T>(string title, string? cachedPath, Func<IProgress<DownloadProgress>?, Task<T>> work)
    {
        int downloadedBefore = _context.Events.FilesDownloaded;
        T value = default!;
        if (_quiet)
        {
            return await work(null).ConfigureAwait(false);
        }
        ReuseTally? tally = null;
        if (!_context.IsInteractive)
        {
            value = await work(new PlainFileProgress(_context.Error)).ConfigureAwait(false);
        }
        else
        {
            await RunLiveAsync(async ctx =>
            {
                ProgressTask total = ctx.AddTask($"[bold]{Markup.Escape(title)}[/]", maxValue: 1);
                total.IsIndeterminate = true;
                var live = new LiveFileProgress(ctx, total);
                tally = new ReuseTally(live);
                value = await work(tally).ConfigureAwait(false);
                live.Complete();
            }).ConfigureAwait(false);
            if (tally is { Reused: > 0 } reused)
            {
                await _context.Error.WriteLineAsync(ReuseTally.Summary(reused.Reused)).ConfigureAwait(false);
            }
        }
        if (cachedPath is not null && _context.Events.FilesDownloaded == downloadedBefore && _context.Events.FilesServedFromCache == 0)
        {
            await _context.Error.WriteLineAsync($"{cachedPath} was already cached; nothing was fetched").ConfigureAwait(false);
        }
        await _context.Error.FlushAsync().ConfigureAwait(false);
        return value;
    }

    /// <summary>
    /// Runs <paramref name="work"/> with sinks for a snapshot's progress: the total (one bar for the bytes, its label counting
    /// the files done) and each file's own (a bar per file while it downloads, hidden once complete).
    /// </summary>
    public async Task<T> RunSnapshotAsync<T>(string title, Func<IProgress<SnapshotProgress>?, IProgress<DownloadProgress>?, Task<T>> work)
    {
        if (_quiet)
        {
            Snapshot = new SnapshotTally(null);
            return await work(Snapshot, null).ConfigureAwait(false);
        }
        if (!_context.IsInteractive)
        {
            var plain = new PlainSnapshotProgress(_context.Error, title);
            Snapshot = new SnapshotTally(plain);
            var reuse = new ReuseTally(null);
            T result = await work(Snapshot, reuse).ConfigureAwait(false);
            plain.Finish(Snapshot.Fetched, reuse.Reused);
            await _context.Error.FlushAsync().ConfigureAwait(false);
            return result;
        }

        T value = default!;
        ReuseTally? liveReuse = null;
        await RunLiveAsync(async ctx =>
        {
            ProgressTask bar = ctx.AddTask(LiveSnapshotProgress.Label(title, 0, 0), maxValue: 1);
            bar.IsIndeterminate = true;
            var live = new LiveSnapshotProgress(bar, title);
            Snapshot = new SnapshotTally(live);
            liveReuse = new ReuseTally(new LiveFileBars(ctx));
            value = await work(Snapshot, liveReuse).ConfigureAwait(false);
            live.Complete();
        }).ConfigureAwait(false);
        if (liveReuse is { Reused: > 0 })
        {
            await _context.Error.WriteLineAsync(ReuseTally.Summary(liveReuse.Reused)).ConfigureAwait(false);
        }
        if (Snapshot!.Last is { } last && !Snapshot.Fetched && last.TotalFiles > 0)
        {
            await _context.Error.WriteLineAsync($"{AlreadyCached(last.TotalFiles)}; nothing was fetched").ConfigureAwait(false);
        }
        return value;
    }

    /// <summary>"all 5 files were already cached", or with <paramref name="size"/> " (67 B)": "1 file (67 B) was already cached".</summary>
    private static string AlreadyCached(int files, string size = "") =>
        files == 1 ? $"1 file{size} was already cached" : $"all {files} files{size} were already cached";

    /// <summary>Runs <paramref name="body"/> under live bars on the terminal, with the event log's lines printed above them.</summary>
    private async Task RunLiveAsync(Func<ProgressContext, Task> body)
    {
        await _context.Terminal.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ByteColumns.Downloaded(),
                new ByteColumns.Speed(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                // Ended inside the display: once it stops drawing, a line through the terminal would join its last bar.
                _context.Events.BeginLiveDisplay(_context.Terminal);
                try
                {
                    await body(ctx).ConfigureAwait(false);
                }
                finally
                {
                    _context.Events.EndLiveDisplay();
                }
            }).ConfigureAwait(false);
    }

    private sealed class LiveFileProgress(ProgressContext context, ProgressTask total) : IProgress<DownloadProgress>
    {
        private readonly Dictionary<string, (ProgressTask Task, long Done, long Size)> _files = new(StringComparer.Ordinal);
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
                entry.Task.IsIndeterminate = value.TotalBytes is null;
                total.IsIndeterminate = false;
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

    /// <summary>A bar per file of a snapshot while it downloads; a finished bar hides itself so thousands of files stay readable.</summary>
    private sealed class LiveFileBars(ProgressContext context) : IProgress<DownloadProgress>
    {
        private readonly Dictionary<string, ProgressTask> _bars = new(StringComparer.Ordinal);
        private readonly Lock _lock = new();

        public void Report(DownloadProgress value)
        {
            lock (_lock)
            {
                long size = Math.Max(1, value.TotalBytes ?? 0);
                if (!_bars.TryGetValue(value.Path, out ProgressTask? bar))
                {
                    if (value.BytesDownloaded >= size) return; // Cached: nothing to show.
                    bar = context.AddTask("  " + Markup.Escape(value.Path), maxValue: size);
                    bar.HideWhenCompleted = true;
                    _bars[value.Path] = bar;
                }
                bar.Value = Math.Min(value.BytesDownloaded, size);
            }
        }
    }

    private sealed class LiveSnapshotProgress(ProgressTask bar, string title) : IProgress<SnapshotProgress>
    {
        private readonly Lock _lock = new();

        public static string Label(string title, int filesDone, int filesTotal) =>
            $"[bold]{Markup.Escape(title)}[/] [grey]{filesDone}/{filesTotal} {Plural.Noun(filesTotal, "file")}[/]";

        public void Report(SnapshotProgress value)
        {
            lock (_lock)
            {
                bar.MaxValue = Math.Max(1, value.TotalBytes);
                bar.Value = value.BytesDownloaded;
                bar.IsIndeterminate = false;
                bar.Description = Label(title, value.FilesCompleted, value.TotalFiles);
            }
        }

        public void Complete()
        {
            lock (_lock) bar.Value = bar.MaxValue;
        }
    }

    private sealed class PlainFileProgress(TextWriter writer) : IProgress<DownloadProgress>
    {
        private readonly ConcurrentDictionary<string, bool> _finished = new(StringComparer.Ordinal);

        public void Report(DownloadProgress value)
        {
            if (value.TotalBytes is { } size && value.BytesDownloaded >= size && _finished.TryAdd(value.Path, true))
            {
                lock (writer) writer.WriteLine($"downloaded {value.Path} ({ByteSize.Format(size)}{ReuseTally.Describe(size, value.BytesReused)})");
            }
        }
    }

    /// <summary>One line when the file list is known, one per file done, one at the end.</summary>
    private sealed class PlainSnapshotProgress(TextWriter writer, string title) : IProgress<SnapshotProgress>
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly Lock _lock = new();
        private SnapshotProgress? _last;

        public void Report(SnapshotProgress value)
        {
            lock (_lock)
            {
                if (_last is null)
                {
                    writer.WriteLine($"{title}: {Plural.Of(value.TotalFiles, "file")} ({ByteSize.Format(value.TotalBytes)}) selected");
                }
                else if (value.FilesCompleted > _last.Value.FilesCompleted)
                {
                    writer.WriteLine($"  [{value.FilesCompleted}/{value.TotalFiles}] {ByteSize.Format(value.BytesDownloaded)} of {ByteSize.Format(value.TotalBytes)}");
                }
                _last = value;
            }
        }

        /// <param name="fetched">Whether any byte came from the hub; otherwise every file was already in place.</param>
        /// <param name="reused">Bytes copied from Xet chunks the cache already held.</param>
        public void Finish(bool fetched, long reused)
        {
            lock (_lock)
            {
                if (_last is not { TotalFiles: > 0 } last) return;
                string reuse = reused > 0 ? $" ({ReuseTally.Summary(reused)})" : "";
                writer.WriteLine(fetched
                    ? string.Create(CultureInfo.InvariantCulture, $"done: {Plural.Of(last.FilesCompleted, "file")}, {ByteSize.Format(last.TotalBytes)} in {_clock.Elapsed.TotalSeconds:0.0}s{reuse}")
                    : $"done: {AlreadyCached(last.TotalFiles, $" ({ByteSize.Format(last.TotalBytes)})")}; nothing was fetched");
            }
        }
    }
}
