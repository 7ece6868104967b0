// The two-minute tour: download a model snapshot into a (temporary) hub cache, verify it, list the repo, summarise the
// cache, and run again to show the cache hit.
//   dotnet run --project samples/QuickStart                      embedded demo hub, no network
//   dotnet run --project samples/QuickStart -- --endpoint https://huggingface.co --repo openai-community/gpt2
//   dotnet run --project samples/QuickStart -- --serve           only run the demo hub (prints its endpoint; Enter, Ctrl+C or closing stdin stops it)
using System.Diagnostics;
using HubClient;
using HubClient.Cli.Output;
using HubClient.Samples;
using Spectre.Console;

if (args.Contains("--serve")) return await ServeAsync(args);

// Redirected, Spectre assumes 80 columns and wraps longer lines, paths included; a file or pipe has no width to fit.
if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 4096;

await using SampleHub hub = SampleHub.Start(args);
try
{
    return await TourAsync(hub, args);
}
catch (HubException e)
{
    // A hub that cannot be reached, a repository that is not there: one line saying what to check, not a stack trace.
    Console.Error.WriteLine($"error: {Describe(e, hub)}");
    return 1;
}

static async Task<int> TourAsync(SampleHub hub, string[] args)
{
    using var cache = new TempCache();
    HubApiOptions options = hub.CreateOptions(cache.Path);
    using var api = new HubApi(options);

    // Against a real hub, keep the tour small: configs, tokenizers and docs (pass --all for every file).
    string[]? allow = hub.IsEmbedded || args.Contains("--all") ? null : ["*.json", "*.txt", "*.md"];

    AnsiConsole.MarkupLine($"[bold]HubClient quick start[/] — {(hub.IsEmbedded ? "embedded demo hub (offline)" : Markup.Escape(hub.Endpoint))}");
    AnsiConsole.MarkupLine($"Repository [cyan]{Markup.Escape(hub.RepoId)}[/], cache [grey]{Markup.Escape(cache.Path)}[/]");
    AnsiConsole.WriteLine();

    // 1. Snapshot download with a progress bar (plain lines when the output is redirected).
    var first = Stopwatch.StartNew();
    string snapshot = await DownloadWithProgressAsync(api, hub.RepoId, allow);
    first.Stop();
    AnsiConsole.MarkupLine($"[green]1. Downloaded[/] to {Markup.Escape(snapshot)} in {first.ElapsedMilliseconds} ms");

    // 2. Verify every blob against its SHA-256 / git SHA-1 name.
    CacheVerifyReport report = await HubCache.VerifyAsync(cache.Path, new CacheVerifyOptions { RepoId = hub.RepoId });
    AnsiConsole.MarkupLine(report.IsHealthy
        ? $"[green]2. Verified[/] {Plural.Of(report.BlobsVerified, "blob")} ({Size(report.BytesVerified)}): all match their hashes"
        : $"[red]2. Verification found {report.Corrupt.Count} corrupt and {report.Missing.Count} missing {Plural.Noun(report.Corrupt.Count + report.Missing.Count, "blob")}[/]");

    // 3. The repository's files, listed page by page from the hub.
    var tree = new Table().Border(TableBorder.Rounded).AddColumn("path").AddColumn(new TableColumn("size").RightAligned()).AddColumn("storage");
    await foreach (RepoTreeEntry entry in api.ListRepoTreeAsync(hub.RepoId, recursive: true))
    {
        if (entry is RepoFile file) tree.AddRow(Markup.Escape(file.Path), Size(file.Size), file.XetHash is not null ? "Xet" : file.Lfs is not null ? "LFS" : "git");
    }
    AnsiConsole.MarkupLine("[green]3. Files in the repository:[/]");
    AnsiConsole.Write(tree);

    // 4. What the cache holds now (the same picture as Python's `hf cache scan`).
    HubCacheInfo scan = HubCache.Scan(cache.Path);
    var summary = new Table().Border(TableBorder.Rounded).AddColumns("repo", "type", "revisions", "files", "size on disk", "refs");
    foreach (CachedRepo repo in scan.Repos)
    {
        summary.AddRow(Markup.Escape(repo.RepoId), repo.RepoType.ToString(), repo.Revisions.Count.ToString(), repo.FileCount.ToString(),
            Size(repo.SizeOnDisk), Markup.Escape(string.Join(", ", repo.Refs.Keys)));
    }
    AnsiConsole.MarkupLine("[green]4. Cache summary:[/]");
    AnsiConsole.Write(summary);

    // 5. Run again: everything is already cached and verified, so nothing is downloaded.
    var second = Stopwatch.StartNew();
    await api.DownloadSnapshotAsync(hub.RepoId, new SnapshotDownloadOptions { AllowPatterns = allow });
    second.Stop();
    options.Offline = true;
    using var offline = new HubApi(options);
    var third = Stopwatch.StartNew();
    await offline.DownloadSnapshotAsync(hub.RepoId, new SnapshotDownloadOptions { AllowPatterns = allow });
    third.Stop();
    AnsiConsole.MarkupLine($"[green]5. Cache hit:[/] second run {second.ElapsedMilliseconds} ms online (metadata only), {third.ElapsedMilliseconds} ms offline (no request at all)");
    return report.IsHealthy ? 0 : 1; // a corrupt or missing blob fails the tour (and CI)
}

static async Task<string> DownloadWithProgressAsync(HubApi api, string repoId, string[]? allow)
{
    if (Console.IsOutputRedirected)
    {
        var lastFiles = -1;
        // SynchronousProgress: each line is printed before the download goes on (Progress<T> would print later, out of order).
        var plain = new SynchronousProgress<SnapshotProgress>(p =>
        {
            if (p.FilesCompleted == lastFiles) return;
            lastFiles = p.FilesCompleted;
            Console.WriteLine($"   {p.FilesCompleted}/{p.TotalFiles} {Plural.Noun(p.TotalFiles, "file")}, {Size(p.BytesDownloaded)} of {Size(p.TotalBytes)}");
        });
        return await api.DownloadSnapshotAsync(repoId, new SnapshotDownloadOptions { AllowPatterns = allow, Progress = plain });
    }

    string path = "";
    await AnsiConsole.Progress()
        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ByteColumns.Downloaded(), new ByteColumns.Speed(), new RemainingTimeColumn())
        .StartAsync(async ctx =>
        {
            ProgressTask task = ctx.AddTask("snapshot", maxValue: 1);
            task.IsIndeterminate = true; // Until the first report gives the size: no "0/1 byte" placeholder.
            var progress = new SynchronousProgress<SnapshotProgress>(p =>
            {
                task.IsIndeterminate = false;
                task.Description = $"snapshot ({p.FilesCompleted}/{p.TotalFiles} {Plural.Noun(p.TotalFiles, "file")})";
                task.MaxValue = Math.Max(1, p.TotalBytes);
                task.Value = p.BytesDownloaded;
            });
            path = await api.DownloadSnapshotAsync(repoId, new SnapshotDownloadOptions { AllowPatterns = allow, Progress = progress });
            task.Value = task.MaxValue;
        });
    return path;
}

static async Task<int> ServeAsync(string[] args)
{
    await using SampleHub hub = SampleHub.Start(args);
    Console.WriteLine(hub.Endpoint);
    Console.Out.Flush();
    // Runs until Enter, stdin closes (a CI script's pipe) or Ctrl+C.
    using var stop = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true;
        stop.Cancel();
    };
    try
    {
        await Task.Run(() => Console.In.ReadLine(), stop.Token).WaitAsync(stop.Token);
    }
    catch (OperationCanceledException)
    {
    }
    return 0;
}

static string Size(long bytes) => ByteSize.Format(bytes);

static string Describe(HubException e, SampleHub hub)
{
    string where = hub.IsEmbedded ? "the embedded demo hub" : hub.Endpoint;
    return e switch
    {
        // Nothing cached and the hub did not answer: the inner exception says why (refused, unknown host, timeout).
        LocalEntryNotFoundException => $"cannot download {hub.RepoId} from {where}: {OneLine(e.InnerException ?? e)}. Check --endpoint (or HF_ENDPOINT) and the network, or run without them to use the embedded demo hub.",
        RepositoryNotFoundException => $"{hub.RepoId} was not found on {where}, or it is private or gated: check --repo, and set HF_TOKEN for a private repository.",
        RateLimitedException => $"{where} is rate-limiting requests ({OneLine(e)}); try again later or set HF_TOKEN.",
        _ => $"{OneLine(e)} (repository {hub.RepoId} on {where})",
    };

    static string OneLine(Exception e) => e.Message.ReplaceLineEndings(" ").TrimEnd('.');
}
