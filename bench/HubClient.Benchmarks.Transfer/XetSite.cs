using System.Globalization;
using System.Text.Json;
using HubClient.Xet;
using K4os.Compression.LZ4.Streams;

namespace HubClient.Benchmarks.Transfer;

/// <summary>
/// The bench's large file stored the way Xet stores it, written once as static files for nginx: <c>xorbs/{hash}</c> (the
/// serialized chunks), and per server port the read-token answer (<c>xet/{port}/token.json</c>) and the v2 reconstruction
/// (<c>xet/{port}/reconstruction.json</c>, xorb URLs pointing at that port). Layout as xet-core writes it: content-defined
/// chunks (~64 KiB, the spec's chunker), xorbs of at most 64 MiB of serialized chunks (and 8,192 chunks), each chunk an LZ4
/// frame of 64 KiB independent blocks when that is smaller, else stored as is; one term per xorb (a fresh upload has no
/// deduplication), so one signed byte range per xorb.
/// </summary>
internal sealed class XetSite
{
    private const long MaxXorbBytes = 64L * 1024 * 1024;
    private const int MaxXorbChunks = 8 * 1024;

    private readonly List<XorbEntry> _xorbs = [];

    private XetSite(string root) => Root = root;

    public string Root { get; }

    /// <summary>The Xet file hash (<c>X-Xet-Hash</c>).</summary>
    public string FileHash { get; private set; } = "";

    public int ChunkCount { get; private set; }

    public int Lz4Chunks { get; private set; }

    public long StoredBytes { get; private set; }

    public int XorbCount => _xorbs.Count;

    private sealed record XorbEntry(string Hash, int Chunks, long Bytes, long UnpackedLength);

    /// <summary>Chunks, compresses and packs <paramref name="file"/> into xorbs under <c>{root}/xorbs</c>.</summary>
    public static XetSite Create(string root, string file)
    {
        var site = new XetSite(root);
        site.Generate(File.ReadAllBytes(file));
        return site;
    }

    private void Generate(byte[] content)
    {
        string xorbDir = Path.Combine(Root, "xorbs");
        Directory.CreateDirectory(xorbDir);
        List<(int Offset, int Length)> chunks = XetChunker.Chunk(content);
        var fileChunks = new List<XetChunkHash>(chunks.Count);
        var xorbChunks = new List<XetChunkHash>();
        string temp = Path.Combine(xorbDir, "building");
        FileStream? xorb = null;
        long unpacked = 0;
        byte[] header = new byte[XetChunkHeader.Size];
        var settings = new LZ4EncoderSettings { BlockSize = 64 * 1024, ChainBlocks = false, BlockChecksum = false, ContentChecksum = false };
        using var compressed = new MemoryStream();

        void Close()
        {
            if (xorb is null) return;
            StoredBytes += xorb.Length;
            long bytes = xorb.Length;
            xorb.Dispose();
            xorb = null;
            string hash = XetHasher.XorbHash(xorbChunks).ToString();
            File.Move(temp, Path.Combine(xorbDir, hash), overwrite: true);
            _xorbs.Add(new XorbEntry(hash, xorbChunks.Count, bytes, unpacked));
            xorbChunks.Clear();
            unpacked = 0;
        }

        foreach ((int offset, int length) in chunks)
        {
            ReadOnlySpan<byte> data = content.AsSpan(offset, length);
            var hash = new XetChunkHash(XetHasher.ChunkHash(data), length);
            compressed.SetLength(0);
            using (LZ4EncoderStream encoder = LZ4Stream.Encode(compressed, settings, leaveOpen: true)) encoder.Write(data);
            bool lz4 = compressed.Length < length;
            ReadOnlySpan<byte> payload = lz4 ? compressed.GetBuffer().AsSpan(0, (int)compressed.Length) : data;
            if (xorb is not null && (xorb.Length + XetChunkHeader.Size + payload.Length > MaxXorbBytes || xorbChunks.Count == MaxXorbChunks)) Close();
            xorb ??= new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1024 * 1024);
            new XetChunkHeader(payload.Length, lz4 ? XetCompressionScheme.Lz4 : XetCompressionScheme.None, length).Write(header);
            xorb.Write(header);
            xorb.Write(payload);
            xorbChunks.Add(hash);
            fileChunks.Add(hash);
            unpacked += length;
            if (lz4) Lz4Chunks++;
        }
        Close();
        ChunkCount = chunks.Count;
        FileHash = XetHasher.FileHash(fileChunks).ToString();
    }

    /// <summary>Path (under the site's root) of the static answers for the server on <paramref name="port"/>.</summary>
    public static string AnswersFolder(int port) => "xet/" + port.ToString(CultureInfo.InvariantCulture);

    /// <summary>Writes the token and reconstruction answers whose URLs point at <paramref name="endpoint"/> (port <paramref name="port"/>).</summary>
    public void WriteAnswers(string endpoint, int port)
    {
        string dir = Path.Combine(Root, AnswersFolder(port));
        Directory.CreateDirectory(dir);
        using (FileStream stream = File.Create(Path.Combine(dir, "token.json")))
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("accessToken", "xet-bench-token");
            w.WriteNumber("exp", DateTimeOffset.UtcNow.AddDays(7).ToUnixTimeSeconds());
            w.WriteString("casUrl", endpoint + "/cas");
            w.WriteEndObject();
        }
        using (FileStream stream = File.Create(Path.Combine(dir, "reconstruction.json")))
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteNumber("offset_into_first_range", 0);
            w.WriteStartArray("terms");
            foreach (XorbEntry x in _xorbs)
            {
                w.WriteStartObject();
                w.WriteString("hash", x.Hash);
                w.WriteNumber("unpacked_length", x.UnpackedLength);
                Range(w, "range", 0, x.Chunks);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartObject("xorbs");
            foreach (XorbEntry x in _xorbs)
            {
                w.WriteStartArray(x.Hash);
                w.WriteStartObject();
                w.WriteString("url", $"{endpoint}/xorbs/{x.Hash}?X-Xet-Signed-Range=bytes%3D0-{(x.Bytes - 1).ToString(CultureInfo.InvariantCulture)}&Signature=bench");
                w.WriteStartArray("ranges");
                w.WriteStartObject();
                Range(w, "chunks", 0, x.Chunks);
                Range(w, "bytes", 0, x.Bytes - 1);
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteEndArray();
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
    }

    private static void Range(Utf8JsonWriter w, string name, long start, long end)
    {
        w.WriteStartObject(name);
        w.WriteNumber("start", start);
        w.WriteNumber("end", end);
        w.WriteEndObject();
    }
}
