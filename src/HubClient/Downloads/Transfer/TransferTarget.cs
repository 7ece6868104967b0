namespace HubClient;

/// <summary>
/// Where one file's transfer writes and publishes, at one destination (a cache blob or a file in a local folder): the final
/// path and the names of its partials, all produced by that destination's layout.
/// </summary>
/// <param name="FinalPath">Where the verified file is published by an atomic rename.</param>
/// <param name="ResumablePartialPath">The prefix partial a single stream appends to and resumes (huggingface_hub's name, so either resumes the other's).</param>
/// <param name="ChunkedPartialPath">The preallocated partial of a parallel transfer, chunks written at their offsets.</param>
/// <param name="LedgerPath">The resume ledger of <paramref name="ChunkedPartialPath"/>: completed chunks and their checksums.</param>
/// <param name="LockPath">The inter-process lock guarding the resumable partials.</param>
/// <param name="NewUniqueTempPath">A fresh private temp name (never resumed) for a writer without the lock.</param>
/// <param name="IsPublished">Whether another writer already published the file (checked while waiting for the lock).</param>
/// <param name="XetPartialPath">The preallocated partial a Xet reconstruction writes its terms into.</param>
/// <param name="XetLedgerPath">The resume ledger of <paramref name="XetPartialPath"/>: completed terms and their chunk hashes.</param>
/// <param name="XetRecordPath">Where the reconstruction of a published Xet blob is kept for later delta downloads (null: not kept).</param>
internal sealed record TransferTarget(
    string FinalPath,
    string ResumablePartialPath,
    string ChunkedPartialPath,
    string LedgerPath,
    string LockPath,
    Func<string> NewUniqueTempPath,
    Func<bool> IsPublished,
    string XetPartialPath,
    string XetLedgerPath,
    string? XetRecordPath = null)
{
    /// <summary>
    /// Renames aside any folder (a damaged cache, a tool's mistake) where this transfer writes a file — the final path or a
    /// partial — so that the transfer can write it: <c>{path}.{tag}.not-a-file</c>, kept, never deleted. Returns the new names.
    /// </summary>
    public IReadOnlyList<string> MoveFoldersAside()
    {
        var moved = new List<string>();
        foreach (string path in new[] { FinalPath, ResumablePartialPath, ChunkedPartialPath, LedgerPath, XetPartialPath, XetLedgerPath })
        {
            // A real folder only: a link (a shared-store blob, say) reads as a file or is left to the steps that know it.
            if (!Directory.Exists(path) || new DirectoryInfo(path).LinkTarget is not null) continue;
            string aside = AtomicFile.TempSibling(path, ".not-a-file");
            try
            {
                Directory.Move(path, aside);
                moved.Add(aside);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another writer moved it first, or it cannot be moved: the write that needs the path says why.
            }
        }
        return moved;
    }
}
