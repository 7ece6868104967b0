// Proves that HubClient and Python's huggingface_hub share one cache, both ways, online and offline.
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
    }
    using (var online = new HubApi(hub.CreateOptions(pythonCache)))
    {
        hub.ClearRequests();
        foreach (string f in files) await online.DownloadFileAsync(Repo, f);
        Expect("HubClient online reuses python's cache (HEAD only)", hub.Requests.All(r => r.Method == "HEAD"), string.Join("; ", hub.Requests));
    }
}
finally
{
    Directory.Delete(root, recursive: true);
}

Console.WriteLine(failures == 0 ? "interop: all checks passed" : $"interop: {failures} check(s) failed");
return failures == 0 ? 0 : 1;

string Python(string mode, string cache, bool offline)
{
    var psi = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
    psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "interop.py"));
    foreach (string a in (string[])[mode, cache, Repo, .. files]) psi.ArgumentList.Add(a);
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

static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

string? Arg(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
