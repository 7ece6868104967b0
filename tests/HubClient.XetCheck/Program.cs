// The .NET side of .ci/check-xet-reference.sh, compared there against npm reference implementations:
//   chunk FILE...  one JSON line per file: HubClient's chunk boundaries and hashes, xorb hash, file hash
//   serve          starts a FakeHub with Xet-backed files, prints {"endpoint", "repo", "files"} as one JSON line, then
//                  answers "log" on stdin with the CAS/xorb/token request counts; stops when stdin closes.
using System.Text.Json;
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

if (args.Length == 1 && args[0] == "serve")
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
    var files = new Dictionary<string, byte[]>
    {
        ["small.bin"] = Random(5000),
        ["weights.bin"] = Random(3 * 1024 * 1024 + 12345),
        ["repetitive.bin"] = [.. Enumerable.Range(0, 1024 * 1024).Select(i => (byte)(i % 251 < 200 ? 7 : i % 13))],
        ["empty.bin"] = [],
    };
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
