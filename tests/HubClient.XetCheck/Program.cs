// The .NET side of .ci/check-xet-reference.sh, compared there against npm reference implementations:
//   chunk FILE...  one JSON line per file: HubClient's chunk boundaries and hashes, xorb hash, file hash
//   serve          starts a FakeHub with Xet-backed files, prints {"endpoint", "repo", "files"} as one JSON line, then
//                  answers "log" on stdin with the CAS/xorb/token request counts; stops when stdin closes.
//   serve-big MIB  the same with one random Xet-backed file "big.bin" of MIB MiB (for memory measurements)
//   download ENDPOINT REPO PATH
//                  downloads a Xet-backed file with XetFileDownloader, checks its SHA-256, prints peak RSS (MB)
using System.Text.Json;
using HubClient;
using HubClient.Testing;
using HubClient.Xet;

if (args.Length >= 2 && args[0] == "chunk")
{
    foreach (string path in args.Skip(1))
    {
        byte[] data = File.ReadAllBytes(path);
        Dictionary<string, object> Describe(bool earlyBoundaries)
        {
            var chunks = XetChunker.Chunk(data, earlyBoundaries)
                .Select(c => new XetChunkHash(XetHasher.ChunkHash(data.AsSpan(c.Offset, c.Length)), c.Length))
                .ToList();
            return new Dictionary<string, object>
            {
                ["chunks"] = chunks.Select(c => new Dictionary<string, object> { ["length"] = c.Size, ["hash"] = c.Hash.ToString() }).ToList(),
                ["xorbHash"] = XetHasher.XorbHash(chunks).ToString(),
                ["fileHash"] = XetHasher.FileHash(chunks).ToString(),
            };
        }
        // "current": what FakeHub uses (xet-core since #487, the IETF draft); "early": xet-core before #487.
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["file"] = path,
            ["current"] = Describe(earlyBoundaries: false),
            ["early"] = Describe(earlyBoundaries: true),
        }));
    }
    return 0;
}

if (args.Length == 4 && args[0] == "download")
{
    string endpoint = args[1], repoId = args[2], path = args[3];
    using var client = new HttpClient(HubHttp.CreateHandler());
    var http = new HubHttp(client, new HubApiOptions { Endpoint = endpoint, CacheDirectory = Path.GetTempPath() });
    using HttpResponseMessage head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, http.ResolveUri(RepoType.Model, repoId, "main", path)));
    string xetHash = head.Headers.GetValues("X-Xet-Hash").Single();
    long size = long.Parse(head.Headers.GetValues("X-Linked-Size").Single(), System.Globalization.CultureInfo.InvariantCulture);
    string sha256 = head.Headers.GetValues("X-Linked-Etag").Single().Trim('"');
    string commit = head.Headers.GetValues("X-Repo-Commit").Single();
    string target = Path.Combine(Path.GetTempPath(), "xetcheck-" + Guid.NewGuid().ToString("N"));
    var watch = System.Diagnostics.Stopwatch.StartNew();
    try
    {
        using (Microsoft.Win32.SafeHandles.SafeFileHandle file = File.OpenHandle(target, FileMode.CreateNew, FileAccess.ReadWrite))
        {
            RandomAccess.SetLength(file, size);
            await new XetFileDownloader(http).DownloadAsync(new XetFileRequest(RepoType.Model, repoId, commit, path, xetHash, size), file, null, null, CancellationToken.None);
        }
        XetVerification.CheckEtag(await BlobVerifier.HashFileAsync(target, sha256, CancellationToken.None) ?? "", path, sha256);
    }
    finally
    {
        File.Delete(target);
    }
    using var self = System.Diagnostics.Process.GetCurrentProcess();
    Console.WriteLine($"{size} bytes verified in {watch.Elapsed.TotalSeconds:0.0} s, peak RSS {self.PeakWorkingSet64 / (1024 * 1024)} MB");
    return 0;
}

if (args.Length >= 1 && args[0] is "serve" or "serve-big")
{
    await using var hub = FakeHub.Start();
    const string repo = "acme/xet-check";
    var random = new Random(20251130);
    byte[] Random(int n)
    {
        byte[] b = new byte[n];
        random.NextBytes(b);
        return b;
    }
    var files = args[0] == "serve-big"
        ? new Dictionary<string, byte[]> { ["big.bin"] = Random(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) * 1024 * 1024) }
        : new Dictionary<string, byte[]>
        {
            ["small.bin"] = Random(5000),
            ["weights.bin"] = Random(3 * 1024 * 1024 + 12345),
            ["repetitive.bin"] = [.. Enumerable.Range(0, 1024 * 1024).Select(i => (byte)(i % 251 < 200 ? 7 : i % 13))],
            ["empty.bin"] = [],
        };
    hub.XetChunksPerXorb = args[0] == "serve-big" ? 1024 : hub.XetChunksPerXorb;
    hub.XetChunksPerTerm = args[0] == "serve-big" ? 256 : hub.XetChunksPerTerm;
    hub.AddRepo(repo).Commit(c =>
    {
        foreach ((string path, byte[] content) in files) c.AddXet(path, content);
    });
    FakeCommit head = hub.FindRepo(repo)!.Resolve("main")!;
    Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["endpoint"] = hub.Endpoint,
        ["repo"] = repo,
        ["files"] = files.Keys.Select(p => new Dictionary<string, object>
        {
            ["path"] = p,
            ["size"] = head.Files[p].Size,
            ["sha256"] = head.Files[p].Sha256,
        }).ToList(),
    }));
    while (Console.ReadLine() is { } line)
    {
        if (line.Trim() != "log") continue;
        IReadOnlyList<FakeHubRequest> log = hub.Requests;
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, int>
        {
            ["cas"] = log.Count(r => r.IsCas && r.StatusCode == 200),
            ["xorbs"] = log.Count(r => r.IsXorb && r.StatusCode == 206),
            ["tokens"] = log.Count(r => r.IsXetToken && r.StatusCode == 200),
            ["bridge"] = log.Count(r => r.IsCdn),
            ["refused"] = log.Count(r => r.StatusCode >= 400),
        }));
    }
    return 0;
}

Console.Error.WriteLine("usage: HubClient.XetCheck chunk FILE... | serve");
return 2;
