using System.Text.Json;

namespace HubClient.Xet;

/// <summary>
/// Reads and writes <see cref="XetBlobRecord"/>s: <c>{repo folder}/xet/{etag}.json</c>, one per held Xet blob, beside
/// <c>blobs/</c>. huggingface_hub's <c>scan_cache_dir</c> looks only at <c>refs/</c>, <c>snapshots/</c> and
/// <c>blobs/</c> inside a repo folder, so the folder is invisible to it (as <c>.no_exist/</c> and <c>trees/</c> are).
/// Written atomically and best effort: a record that cannot be written only costs a later delta. Beside each record,
/// <c>{etag}.xorbs</c> lists the xorbs it uses (one hash per line), so that a download reads only the records of blobs
/// that share a xorb with it rather than every record in the cache (a 1 GiB blob's record is ≈ 1.2 MB of JSON, its list
/// ≈ 1 KB). A missing or unreadable list means "read the record"; a stale one can only cost reuse, never a wrong byte.
/// </summary>
internal static class XetBlobRecords
{
    public const string FolderName = "xet";

    /// <summary>The record of the blob <paramref name="etag"/> in <paramref name="repoDirectory"/>.</summary>
    public static string PathFor(string repoDirectory, string etag) => Path.Combine(repoDirectory, FolderName, etag + ".json");

    /// <summary>The xorb list kept beside the record at <paramref name="recordPath"/>.</summary>
    public static string XorbListPathFor(string recordPath) => Path.ChangeExtension(recordPath, ".xorbs");

    /// <summary>The blob a record at <paramref name="recordPath"/> describes.</summary>
    public static string BlobPathOf(string recordPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(recordPath)!)!, "blobs", Path.GetFileNameWithoutExtension(recordPath));

    /// <summary>
    /// Writes the record of a verified download — its <paramref name="terms"/> (planned term, chunks written) — to
    /// <paramref name="path"/> atomically, then its xorb list; false when the record could not be written. The JSON is
    /// streamed from the chunk hashes as they are (a 100 GiB blob's record is ≈ 120 MB of text, never held in memory).
    /// </summary>
    public static bool TryWrite(string path, string xetHash, long size, string etag, IReadOnlyList<(XetPlannedTerm Planned, XetLedgerTerm Done)> terms)
    {
        // An old list goes first: a list never describes a record other than the one beside it.
        AtomicFile.TryDelete(XorbListPathFor(path));
        bool written = AtomicFile.TryWrite(path, stream =>
        {
            using var json = new Utf8JsonWriter(stream);
            Span<char> hash = stackalloc char[64];
            json.WriteStartObject();
            json.WriteNumber("format_version", XetBlobRecord.CurrentFormat);
            json.WriteString("xet_hash", xetHash);
            json.WriteNumber("size", size);
            json.WriteString("etag", etag);
            json.WriteStartArray("terms");
            foreach ((XetPlannedTerm planned, XetLedgerTerm done) in terms)
            {
                json.WriteStartObject();
                json.WriteString("xorb", planned.Fetch.Xorb);
                json.WriteNumber("chunk_start", planned.ChunkStart);
                json.WriteNumber("chunk_end", planned.ChunkEnd);
                json.WriteNumber("offset", planned.Offset);
                json.WriteNumber("length", planned.Length);
                json.WriteStartArray("chunk_hashes");
                foreach (XetChunkHash chunk in done.Chunks)
                {
                    chunk.Hash.Format(hash);
                    json.WriteStringValue(hash);
                }
                json.WriteEndArray();
                json.WriteStartArray("chunk_sizes");
                foreach (XetChunkHash chunk in done.Chunks) json.WriteNumberValue(chunk.Size);
                json.WriteEndArray();
                json.WriteEndObject();
                if (json.BytesPending > 64 * 1024) json.Flush();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        });
        if (written) TryWriteXorbList(path, terms.Select(t => t.Planned.Fetch.Xorb));
        return written;
    }

    /// <summary>Writes the list of <paramref name="xorbs"/> (duplicates dropped) beside the record at <paramref name="recordPath"/> (best effort).</summary>
    public static void TryWriteXorbList(string recordPath, IEnumerable<string> xorbs) =>
        AtomicFile.TryWriteAllBytes(XorbListPathFor(recordPath), System.Text.Encoding.ASCII.GetBytes(string.Concat(xorbs.Distinct(StringComparer.Ordinal).Select(x => x + "\n"))));

    /// <summary>
    /// The xorbs the record at <paramref name="recordPath"/> uses, from its list; null when there is no list or it is
    /// unreadable or malformed (then read the record itself).
    /// </summary>
    public static HashSet<string>? TryReadXorbList(string recordPath)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(XorbListPathFor(recordPath));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        var xorbs = new HashSet<string>(StringComparer.Ordinal);
        foreach (string line in lines)
        {
            if (!XetHash.TryParse(line, out _)) return null;
            xorbs.Add(line);
        }
        return xorbs;
    }

    /// <summary>The record at <paramref name="path"/>, or null when absent, unreadable, of another format or inconsistent.</summary>
    public static XetBlobRecord? TryRead(string path)
    {
        XetBlobRecord? record;
        try
        {
            // From the stream: a record is ≈ 75 bytes of text per chunk, never held whole.
            using FileStream stream = File.OpenRead(path);
            record = JsonSerializer.Deserialize(stream, HubJsonContext.Default.XetBlobRecord);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
        return record is { FormatVersion: XetBlobRecord.CurrentFormat } && IsConsistent(record) ? record : null;
    }

    /// <summary>Every record file in the cache, with the blob it describes.</summary>
    public static IEnumerable<(string RecordPath, string BlobPath)> Enumerate(string cacheDirectory)
    {
        IEnumerable<string> repos;
        try
        {
            repos = Directory.Exists(cacheDirectory) ? Directory.EnumerateDirectories(cacheDirectory, "*--*") : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            yield break;
        }
        foreach (string repo in repos)
        {
            string folder = Path.Combine(repo, FolderName);
            string[] records;
            try
            {
                records = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.json") : [];
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            foreach (string record in records) yield return (record, BlobPathOf(record));
        }
    }

    private static bool IsConsistent(XetBlobRecord record)
    {
        long offset = 0;
        foreach (XetBlobRecordTerm term in record.Terms)
        {
            if (term is null || term.ChunkHashes is null || term.ChunkSizes is null || term.Offset != offset
                || term.ChunkStart < 0 || term.ChunkEnd - term.ChunkStart != term.ChunkHashes.Count
                || term.ChunkHashes.Count != term.ChunkSizes.Count || term.ChunkSizes.Sum() != term.Length
                || term.ChunkSizes.Any(s => s <= 0 || s > XetChunkHeader.MaxUncompressedLength))
            {
                return false;
            }
            offset += term.Length;
        }
        return offset == record.Size;
    }
}
