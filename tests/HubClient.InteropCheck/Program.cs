// Proves that HubClient and Python's huggingface_hub share one cache, both ways, online and offline: symlink and copy
// mode, .no_exist markers, local-directory metadata, and a Python and a .NET process downloading one blob at once.
// Not part of `dotnet test`: it needs python3 with huggingface_hub's dependencies and a huggingface_hub source tree.
//   dotnet run --project tests/HubClient.InteropCheck -- --python /usr/bin/python3 --hf-src /path/to/huggingface_hub/src
using System.Diagnostics;
using System.Security.Cryptography;
using HubClient;
using HubClient.Testing;

string python = Arg("--python") ?? "python3";
string? hfSrc = Arg("--hf-src");
const string Repo = "acme/interop";
string[] files = ["config.json", "nested/tokenizer.json", "model.safetensors"];
int failures = 0;

await using var hub = FakeHub.Start();
var weights = new byte[2 * 1024 * 1024];
new Random(42).NextBytes(weights);
hub.AddRepo(Repo).Commit(c => c.Add("config.json", "{\"model_type\": \"demo\"}").Add("nested/tokenizer.json", "{\"vocab\": {}}").AddLfs("model.safetensors", weights));
string root = Path.Combine(Path.GetTempPath(), "hubclient-interop-" + Guid.NewGuid().ToString("N")[..8]);

try
{
    // 1. HubClient writes, Python reads offline, online and scans.
    string dotnetCache = Path.Combine(root, "written-by-dotnet");
    using (var api = new HubApi(hub.CreateOptions(dotnetCache)))
    {
        var written = new Dictionary<string, string>();
        foreach (string f in files) written[f] = Sha256(await api.DownloadFileAsync(Repo, f));
        Check("python offline reads the HubClient cache", Python("offline", dotnetCache, offline: true), written, dotnetCache);
        hub.ClearRequests();
        Check("python online reuses the HubClient cache", Python("online", dotnetCache, offline: false), written, dotnetCache);
        Expect("python online downloaded no bytes again", !hub.Requests.Any(r => r.Method == "GET"), string.Join("; ", hub.Requests));
        string scan = Python("scan", dotnetCache, offline: true);
        Expect("python scan_cache_dir sees the repo with no warnings", scan.Contains("warnings\t0", StringComparison.Ordinal) && scan.Contains($"repo\tmodel\t{Repo}", StringComparison.Ordinal), scan);
    }

    // 2. Snapshots: HubClient writes a whole snapshot (and the trees/{commit}.json listing); Python reads it offline and online.
    string dotnetSnapshots = Path.Combine(root, "snapshot-by-dotnet");
    using (var api = new HubApi(hub.CreateOptions(dotnetSnapshots)))
    {
        string folder = await api.DownloadSnapshotAsync(Repo);
        Expect("python snapshot_download offline returns HubClient's snapshot", Python("snapshot-offline", dotnetSnapshots, offline: true).Trim() == folder, folder);
        hub.ClearRequests();
        string online = Python("snapshot-online", dotnetSnapshots, offline: false).Trim();
        Expect("python snapshot_download online downloads nothing again", online == folder && !hub.Requests.Any(r => r.Method == "GET" && !r.Path.StartsWith("/api/", StringComparison.Ordinal)),
            string.Join("; ", hub.Requests));
    }
    string pythonSnapshots = Path.Combine(root, "snapshot-by-python");
    string pythonFolder = Python("snapshot-online", pythonSnapshots, offline: false).Trim();
    var snapshotOffline = hub.CreateOptions(pythonSnapshots);
    snapshotOffline.Offline = true;
    using (var offline = new HubApi(snapshotOffline))
    {
        hub.ClearRequests();
        string folder = await offline.DownloadSnapshotAsync(Repo);
        Expect("HubClient offline snapshot finds python's snapshot, no request", folder == pythonFolder && hub.Requests.Count == 0, $"{folder} vs {pythonFolder}");
    }

    // 2b. A HubClient download stopped part-way: huggingface_hub's scan still lists the repo (the snapshot folder comes before
    //     the ref), and Python then completes the file.
    string stopped = Path.Combine(root, "stopped-by-dotnet");
    using (var api = new HubApi(hub.CreateOptions(stopped)))
    {
        hub.InjectFault(FakeFault.Drip(32 * 1024, TimeSpan.FromMilliseconds(50)), r => r.IsCdn && r.Method == "GET", times: 1);
        using var cancel = new CancellationTokenSource();
        try
        {
            await api.DownloadFileAsync(Repo, "model.safetensors",
                new DownloadFileOptions { Progress = new InlineProgress(p => { if (p.BytesDownloaded > 0) cancel.Cancel(); }) }, cancel.Token);
        }
        catch (OperationCanceledException)
        {
        }
        hub.ClearFaults();
        string scan = Python("scan", stopped, offline: true);
        Expect("python scan_cache_dir lists a repo whose HubClient download was stopped, with no warnings",
            scan.Contains($"repo\tmodel\t{Repo}", StringComparison.Ordinal) && scan.Contains("warnings\t0", StringComparison.Ordinal), scan);
        string completed = Python("online", stopped, offline: false, only: ["model.safetensors"]).Split('\t')[0];
        Expect("python completes the file HubClient stopped", Sha256(completed.Trim()) == Sha256Bytes(weights), completed);
    }

    // 3. Python writes, HubClient reads offline and online.
    string pythonCache = Path.Combine(root, "written-by-python");
    string pythonOut = Python("online", pythonCache, offline: false);
    var pythonPaths = pythonOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')[0]).ToArray();
    var offlineOptions = hub.CreateOptions(pythonCache);
    offlineOptions.Offline = true;
    using (var offline = new HubApi(offlineOptions))
    {
        hub.ClearRequests();
        for (int i = 0; i < files.Length; i++)
        {
            string path = await offline.DownloadFileAsync(Repo, files[i]);
            Expect($"HubClient offline finds python's {files[i]}", path == pythonPaths[i] && File.Exists(path), $"{path} vs {pythonPaths[i]}");
        }
        Expect("HubClient offline made no request", hub.Requests.Count == 0, string.Join("; ", hub.Requests));
        // Python downloaded file by file, so it cached no trees/{commit}.json: as Python does, the snapshot folder is returned as it is.
        string folder = await offline.DownloadSnapshotAsync(Repo);
        string expectedFolder = Path.GetDirectoryName(pythonPaths[0])!;
        Expect("HubClient offline snapshot of python's file-by-file cache (no file list) returns its folder, no request",
            folder == expectedFolder && hub.Requests.Count == 0, $"{folder} vs {expectedFolder}");
    }
    using (var online = new HubApi(hub.CreateOptions(pythonCache)))
    {
        hub.ClearRequests();
        foreach (string f in files) await online.DownloadFileAsync(Repo, f);
        Expect("HubClient online reuses python's cache (HEAD only)", hub.Requests.All(r => r.Method == "HEAD"), string.Join("; ", hub.Requests));
    }

    // 4. Copy mode (no symlinks: the snapshot holds the files themselves), both ways.
    string dotnetCopies = Path.Combine(root, "copies-by-dotnet");
    var copyOptions = hub.CreateOptions(dotnetCopies);
    copyOptions.DisableSymlinks = true;
    using (var api = new HubApi(copyOptions))
    {
        var written = new Dictionary<string, string>();
        foreach (string f in files) written[f] = Sha256(await api.DownloadFileAsync(Repo, f));
        Expect("HubClient copy mode wrote regular files", files.All(f => new FileInfo(Path.Combine(dotnetCopies, "models--acme--interop", "snapshots", hub.FindRepo(Repo)!.Head().Sha, f)).LinkTarget is null), dotnetCopies);
        Check("python offline reads HubClient's copy-mode cache", Python("offline", dotnetCopies, offline: true, copyMode: true), written, dotnetCopies);
        hub.ClearRequests();
        Check("python online reuses HubClient's copy-mode cache", Python("online", dotnetCopies, offline: false, copyMode: true), written, dotnetCopies);
        Expect("python online (copy mode) downloaded no bytes again", !hub.Requests.Any(r => r.Method == "GET"), string.Join("; ", hub.Requests));
    }
    string pythonCopies = Path.Combine(root, "copies-by-python");
    string[] pythonCopyPaths = Python("online", pythonCopies, offline: false, copyMode: true).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')[0]).ToArray();
    Expect("python copy mode wrote regular files", pythonCopyPaths.Length == files.Length && pythonCopyPaths.All(p => new FileInfo(p).LinkTarget is null), string.Join("; ", pythonCopyPaths));
    var copiesOffline = hub.CreateOptions(pythonCopies);
    copiesOffline.Offline = true;
    copiesOffline.DisableSymlinks = true;
    using (var offline = new HubApi(copiesOffline))
    {
        hub.ClearRequests();
        bool same = true;
        for (int i = 0; i < files.Length; i++)
        {
            string path = await offline.DownloadFileAsync(Repo, files[i]);
            same &= path == pythonCopyPaths[i] && Sha256(path) == Sha256(pythonCopyPaths[i]);
        }
        Expect("HubClient offline reads python's copy-mode cache, no request", same && hub.Requests.Count == 0, string.Join("; ", hub.Requests));
    }

    // 5. .no_exist: a file the hub said does not exist is remembered, and the other side honours the marker offline.
    const string Missing = "missing.txt";
    string dotnetMisses = Path.Combine(root, "misses-by-dotnet");
    using (var api = new HubApi(hub.CreateOptions(dotnetMisses)))
    {
        await api.DownloadFileAsync(Repo, "config.json");
        bool threw = false;
        try
        {
            await api.DownloadFileAsync(Repo, Missing);
        }
        catch (EntryNotFoundException)
        {
            threw = true;
        }
        Expect("HubClient online: the missing file is EntryNotFound", threw, "");
    }
    Expect("python offline honours HubClient's .no_exist marker", Python("no-exist", dotnetMisses, offline: true, only: [Missing]).Trim() == "no-exist",
        Python("no-exist", dotnetMisses, offline: true, only: [Missing]));
    string pythonMisses = Path.Combine(root, "misses-by-python");
    Python("online", pythonMisses, offline: false, only: ["config.json"]);
    Expect("python online: the missing file is EntryNotFoundError", Python("missing-online", pythonMisses, offline: false, only: [Missing]).Trim() == "missing", "");
    var missesOffline = hub.CreateOptions(pythonMisses);
    missesOffline.Offline = true;
    using (var offline = new HubApi(missesOffline))
    {
        hub.ClearRequests();
        string message = "";
        try
        {
            await offline.DownloadFileAsync(Repo, Missing);
        }
        catch (LocalEntryNotFoundException e)
        {
            message = e.Message;
        }
        Expect("HubClient offline honours python's .no_exist marker, no request",
            message.Contains("the hub said it does not exist", StringComparison.Ordinal) && hub.Requests.Count == 0, message);
    }

    // 6. Local directory (hf_hub_download(local_dir=…)): each side reads the other's .cache/huggingface/download metadata.
    string dotnetLocal = Path.Combine(root, "local-by-dotnet");
    using (var api = new HubApi(hub.CreateOptions(Path.Combine(root, "unused-cache-1"))))
    {
        foreach (string f in files) await api.DownloadFileAsync(Repo, f, new DownloadFileOptions { LocalDirectory = dotnetLocal });
    }
    hub.ClearRequests();
    string pythonOnDotnetLocal = Python("local-dir", dotnetLocal, offline: false);
    Expect("python local_dir reads HubClient's metadata: same files, no GET",
        pythonOnDotnetLocal.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length == files.Length && !hub.Requests.Any(r => r.Method == "GET"),
        pythonOnDotnetLocal + string.Join("; ", hub.Requests));
    string pythonLocal = Path.Combine(root, "local-by-python");
    Python("local-dir", pythonLocal, offline: false);
    using (var api = new HubApi(hub.CreateOptions(Path.Combine(root, "unused-cache-2"))))
    {
        hub.ClearRequests();
        bool same = true;
        foreach (string f in files)
        {
            string path = await api.DownloadFileAsync(Repo, f, new DownloadFileOptions { LocalDirectory = pythonLocal });
            same &= path == Path.Combine([pythonLocal, .. f.Split('/')]);
        }
        Expect("HubClient local directory reads python's metadata: same files, no GET", same && !hub.Requests.Any(r => r.Method == "GET"), string.Join("; ", hub.Requests));
    }

    // 7. One blob, a Python and a .NET downloader at once, each first in turn: the second waits for the first's lock
    //    (flock on .locks/…/{etag}.lock) and finds the blob; one download on the wire. The second starts only once the
    //    first's GET is under way: Python's is dripped by the CDN (about 6 s); HubClient's is held at its first progress
    //    report until Python's HEAD arrives (Python takes seconds to start), so the overlap is real either way.
    foreach (bool pythonFirst in new[] { true, false })
    {
        string shared = Path.Combine(root, pythonFirst ? "race-python-first" : "race-dotnet-first");
        hub.ClearRequests();
        hub.ClearFaults();
        hub.InjectFault(FakeFault.Drip(32 * 1024, TimeSpan.FromMilliseconds(100)), r => r.IsCdn && r.Method == "GET", times: 1);
        using var api = new HubApi(hub.CreateOptions(shared));
        using var release = new ManualResetEventSlim();
        int reports = 0;
        var hold = new InlineProgress(p =>
        {
            if (p.BytesDownloaded > 0 && Interlocked.Exchange(ref reports, 1) == 0) release.Wait(TimeSpan.FromSeconds(120));
        });
        Task<string> python1;
        Task<string> dotnet1;
        bool overlap;
        if (pythonFirst)
        {
            python1 = Task.Run(() => Python("online", shared, offline: false, only: ["model.safetensors"]));
            await WaitForAsync(() => hub.Requests.Any(r => r.IsCdn && r.Method == "GET"));
            dotnet1 = api.DownloadFileAsync(Repo, "model.safetensors");
            await WaitForAsync(() => hub.Requests.Count(r => r.Method == "HEAD") >= 2);
            overlap = !python1.IsCompleted;
        }
        else
        {
            dotnet1 = api.DownloadFileAsync(Repo, "model.safetensors", new DownloadFileOptions { Progress = hold });
            await WaitForAsync(() => hub.Requests.Any(r => r.IsCdn && r.Method == "GET"));
            python1 = Task.Run(() => Python("online", shared, offline: false, only: ["model.safetensors"]));
            await WaitForAsync(() => hub.Requests.Count(r => r.Method == "HEAD") >= 2 || python1.IsCompleted);
            overlap = !dotnet1.IsCompleted;
            release.Set();
        }
        string pythonPath = (await python1).Split('\t')[0];
        string dotnetPath = await dotnet1;
        int gets = hub.Requests.Count(r => r.IsCdn && r.Method == "GET");
        Expect($"{(pythonFirst ? "python" : "HubClient")} first, the other started mid-download: one GET on the wire, one blob, both see it",
            overlap && gets == 1 && pythonPath == dotnetPath && Sha256(dotnetPath) == Sha256Bytes(weights),
            $"overlap {overlap}, {gets} GETs; {string.Join("; ", hub.Requests)}");
    }

    // 8. The shared blob store (huggingface_hub releases after 1.28): HubClient keeps a Xet-backed file once in
    //    {cache}/blobs/{2 hex}/{xet hash} and makes each repo's blobs/{etag} a relative link there. An older
    //    huggingface_hub, one that predates the store, reads that cache online and offline by following two links.
    const string XetRepoA = "acme/xet-a", XetRepoB = "acme/xet-b";
    var xetWeights = new byte[3 * 1024 * 1024];
    new Random(7).NextBytes(xetWeights);
    hub.AddRepo(XetRepoA).Commit(c => c.Add("config.json", "{}").AddXet("model.safetensors", xetWeights));
    FakeFile xetFile = hub.AddRepo(XetRepoB).Commit(c => c.AddXet("model.safetensors", xetWeights)).Files["model.safetensors"];
    string storeCache = Path.Combine(root, "store-by-dotnet");
    string[] xetFiles = ["model.safetensors"];
    var storeWritten = new Dictionary<string, string>();
    using (var api = new HubApi(hub.CreateOptions(storeCache)))
    {
        string a = await api.DownloadFileAsync(XetRepoA, "model.safetensors");
        hub.ClearRequests();
        string b = await api.DownloadFileAsync(XetRepoB, "model.safetensors");
        string entry = Path.Combine(storeCache, "blobs", xetFile.XetHash![..2], xetFile.XetHash);
        string link = $"../../blobs/{xetFile.XetHash[..2]}/{xetFile.XetHash}";
        Expect("HubClient wrote the store: both repos' blobs link to one payload, the second repo cost no transfer",
            File.ReadAllText(Path.Combine(storeCache, "blobs", ".huggingface-shared-blobs")) == "1\n"
                && new FileInfo(Path.Combine(storeCache, "models--acme--xet-a", "blobs", xetFile.Etag)).LinkTarget == link
                && new FileInfo(Path.Combine(storeCache, "models--acme--xet-b", "blobs", xetFile.Etag)).LinkTarget == link
                && File.ReadAllLines(entry + ".refs").Length == 2
                && !hub.Requests.Any(r => r.IsXorb || r.IsCdn)
                && Sha256(a) == Sha256Bytes(xetWeights) && Sha256(b) == Sha256Bytes(xetWeights),
            string.Join("; ", hub.Requests));
        storeWritten["model.safetensors"] = Sha256Bytes(xetWeights);
    }
    foreach (string xetRepo in new[] { XetRepoA, XetRepoB })
    {
        string offlineRead = Python("offline", storeCache, offline: true, only: xetFiles, repo: xetRepo);
        Expect($"older python offline reads {xetRepo} through the store links",
            offlineRead.Split('\t') is [var path, var digest] && path.StartsWith(storeCache, StringComparison.Ordinal) && digest.Trim() == Sha256Bytes(xetWeights), offlineRead);
        hub.ClearRequests();
        string onlineRead = Python("online", storeCache, offline: false, only: xetFiles, repo: xetRepo);
        Expect($"older python online reuses {xetRepo} through the store links: no GET",
            onlineRead.Split('\t') is [_, var d] && d.Trim() == Sha256Bytes(xetWeights) && !hub.Requests.Any(r => r.Method == "GET"),
            onlineRead + string.Join("; ", hub.Requests));
    }
    string storeScan = Python("scan", storeCache, offline: true, only: xetFiles, repo: XetRepoA);
    Expect("older python scan_cache_dir lists both repos with the payload's size",
        storeScan.Contains($"repo\tmodel\t{XetRepoA}\t{xetWeights.Length}\t1", StringComparison.Ordinal)
            && storeScan.Contains($"repo\tmodel\t{XetRepoB}\t{xetWeights.Length}\t1", StringComparison.Ordinal),
        storeScan);
    Console.WriteLine("      (older scan_cache_dir on the store cache: " + string.Join(" | ", storeScan.Split('\n').Where(l => l.StartsWith("warning", StringComparison.Ordinal))) + ")");
}
finally
{
    Directory.Delete(root, recursive: true);
}

Console.WriteLine(failures == 0 ? "interop: all checks passed" : $"interop: {failures} check(s) failed");
return failures == 0 ? 0 : 1;

string Python(string mode, string cache, bool offline, bool copyMode = false, string[]? only = null, string repo = Repo)
{
    var psi = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
    psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "interop.py"));
    foreach (string a in (string[])[mode, cache, repo, .. only ?? files]) psi.ArgumentList.Add(a);
    if (copyMode) psi.Environment["HF_HUB_DISABLE_SYMLINKS"] = "1";
    psi.Environment["HF_ENDPOINT"] = hub.Endpoint;
    psi.Environment["HF_HUB_OFFLINE"] = offline ? "1" : "0";
    psi.Environment["HF_HUB_DISABLE_TELEMETRY"] = "1";
    psi.Environment["HF_HUB_DISABLE_XET"] = "1";
    if (hfSrc is not null) psi.Environment["PYTHONPATH"] = hfSrc;
    using Process p = Process.Start(psi)!;
    Task<string> stderr = p.StandardError.ReadToEndAsync();
    string stdout = p.StandardOutput.ReadToEnd();
    p.WaitForExit();
    Console.Error.Write(stderr.Result.Split('\n').FirstOrDefault(l => l.StartsWith('#')) + "\n");
    if (p.ExitCode != 0) throw new InvalidOperationException($"python {mode} failed:\n{stderr.Result}");
    return stdout;
}

void Check(string name, string output, Dictionary<string, string> expected, string cache)
{
    string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    bool ok = lines.Length == files.Length;
    for (int i = 0; ok && i < files.Length; i++)
    {
        string[] parts = lines[i].Split('\t');
        ok = parts[0].StartsWith(cache, StringComparison.Ordinal) && parts[1] == expected[files[i]];
    }
    Expect(name, ok, output);
}

void Expect(string name, bool ok, string detail)
{
    Console.WriteLine($"{(ok ? "PASS" : "FAIL")}  {name}");
    if (!ok)
    {
        failures++;
        Console.WriteLine("      " + detail.Replace("\n", "\n      ", StringComparison.Ordinal));
    }
}

static string Sha256(string path) => Sha256Bytes(File.ReadAllBytes(path));

static string Sha256Bytes(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

static async Task WaitForAsync(Func<bool> condition)
{
    var guard = Stopwatch.StartNew();
    while (!condition())
    {
        if (guard.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException("interop: a step did not happen within 60 s.");
        await Task.Delay(10);
    }
}

string? Arg(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

sealed class InlineProgress(Action<DownloadProgress> report) : IProgress<DownloadProgress>
{
    public void Report(DownloadProgress value) => report(value);
}
