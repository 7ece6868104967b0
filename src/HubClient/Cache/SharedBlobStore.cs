using System.Text.RegularExpressions;

namespace HubClient;

/// <summary>
/// The cache-wide shared blob store of huggingface_hub releases after 1.28 (<c>huggingface_hub/_shared_blobs.py</c>),
/// which keeps each Xet-backed file once per cache whatever the repo:
/// <list type="bullet">
/// <item><c>{cache}/blobs/</c>, beside the repo folders, is the store, valid only when <c>blobs/.huggingface-shared-blobs</c>
/// is a regular file holding exactly <c>1\n</c>; an unmarked <c>blobs/</c> folder is never adopted.</item>
/// <item>Entries <c>blobs/{first 2 hex}/{xet_hash}</c>: regular read-only files (<see cref="SharedBlobModes"/>), with
/// <c>{xet_hash}.refs</c> (<see cref="SharedBlobManifest"/>) and <c>{xet_hash}.lock</c> (<see cref="SharedBlobLock"/>) beside them.</item>
/// <item>A repo's <c>blobs/{etag}</c> is a relative symlink into the store (<c>../../blobs/ab/{xet_hash}</c>); snapshots
/// still link to <c>blobs/{etag}</c>, so older readers follow two links and see the file.</item>
/// </list>
/// Every operation is best effort: a failure leaves (or restores) a correct repo-local blob and reports false.
/// </summary>
internal sealed partial class SharedBlobStore
{
    public const string FolderName = "blobs";
    public const string MarkerName = ".huggingface-shared-blobs";
    public const string MarkerContent = "1\n";

    public SharedBlobStore(string cacheRoot)
    {
        CacheRoot = Path.TrimEndingDirectorySeparator(Path.GetFullPath(cacheRoot));
        Root = Path.Combine(CacheRoot, FolderName);
    }

    /// <summary>The cache folder (full path).</summary>
    public string CacheRoot { get; }

    /// <summary>The store folder, <c>{cache}/blobs</c>.</summary>
    public string Root { get; }

    public static bool IsXetHash(string? value) => value is not null && XetHashPattern().IsMatch(value);

    /// <summary>The entry of a Xet hash: <c>{cache}/blobs/{hash[..2]}/{hash}</c>.</summary>
    /// <exception cref="ArgumentException">Not a Xet hash (64 lowercase hex).</exception>
    public string EntryPath(string xetHash)
    {
        if (!IsXetHash(xetHash)) throw new ArgumentException($"Invalid Xet file hash: '{xetHash}'.", nameof(xetHash));
        return Path.Combine(Root, xetHash[..2], xetHash);
    }

    /// <summary>Whether the store exists and carries its marker (<c>1\n</c>).</summary>
    public bool Exists => IsStoreDirectory(Root);

    /// <summary>Whether <paramref name="folder"/> is a marked shared blob store (not a symlink, marker a regular file holding <c>1\n</c>).</summary>
    public static bool IsStoreDirectory(string folder)
    {
        string marker = Path.Combine(folder, MarkerName);
        if (!IsDirectory(folder) || !IsRegularFile(marker)) return false;
        try
        {
            return File.ReadAllText(marker) == MarkerContent;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// <c>models--acme--m/blobs/{etag}</c> for a repo blob path directly under a repo folder of this cache; null for
    /// anything else (a path outside the cache, not in a repo's <c>blobs/</c>, or with a line break).
    /// </summary>
    public string? RelativeBlobPath(string blobPath)
    {
        string relative = Path.GetRelativePath(CacheRoot, Path.GetFullPath(blobPath));
        string[] parts = relative.Split(Path.DirectorySeparatorChar);
        if (parts.Length != 3 || !RepoFolderPattern().IsMatch(parts[0]) || parts[1] != "blobs" || parts[2].Length == 0) return null;
        if (parts[0] == ".." || relative.Contains('\n') || relative.Contains('\r')) return null;
        return string.Join('/', parts);
    }

    /// <summary>
    /// <see cref="RelativeBlobPath"/> for a repo blob that may link into the store: one whose folder is physically inside the
    /// cache. A repo folder symlinked from another disk is not (the link <c>../../blobs/…</c> would resolve next to its real
    /// location, where there is no store, and moving its payload into the store would undo the move): its blobs stay regular
    /// files. Null when the blob may not be shared.
    /// </summary>
    private string? SharableBlobPath(string blobPath) =>
        RelativeBlobPath(blobPath) is { } relative && PathContainment.IsEntryInside(blobPath, CacheRoot) ? relative : null;

    /// <summary>Whether the manifest of <paramref name="xetHash"/>'s entry lists the repo blob <paramref name="blobPath"/> (a publish got that far).</summary>
    public bool Lists(string blobPath, string xetHash) =>
        IsXetHash(xetHash) && SharableBlobPath(blobPath) is { } relative && SharedBlobManifest.Lists(SharedBlobManifest.PathFor(EntryPath(xetHash)), relative);

    /// <summary>
    /// The store entry a repo blob links to, read lexically (the link text, not the file system): null when the blob is
    /// not a symlink, or links anywhere but to <c>blobs/{prefix}/{xet_hash}</c> of this store.
    /// </summary>
    /// <param name="blobPath">A repo blob, <c>{cache}/{repo}/blobs/{etag}</c>.</param>
    /// <param name="throwOnIoError">Throw when the link cannot be read (a manifest check must not mistake that for "no reference").</param>
    public string? LinkedEntry(string blobPath, bool throwOnIoError = false)
    {
        if (RelativeBlobPath(blobPath) is null) return null;
        string? linkText;
        try
        {
            var info = new FileInfo(blobPath);
            if (!info.Exists && info.LinkTarget is null)
            {
                // .NET says "absent" when a folder on the way cannot be searched (EACCES): listing the parent tells
                // "gone" (no such entry) from "cannot look" (throws), which a manifest check must treat as a reference.
                if (throwOnIoError) ThrowIfUnsearchable(blobPath);
                return null;
            }
            linkText = info.LinkTarget;
        }
        catch (Exception e) when ((e is IOException or UnauthorizedAccessException) && !throwOnIoError)
        {
            return null;
        }
        if (linkText is null) return null;
        string target = Path.GetFullPath(Path.IsPathRooted(linkText) ? linkText : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(blobPath))!, linkText));
        string relative = Path.GetRelativePath(Root, target);
        string[] parts = relative.Split(Path.DirectorySeparatorChar);
        if (parts.Length != 2 || !IsXetHash(parts[1]) || parts[0] != parts[1][..2]) return null;
        return Path.Combine(Root, parts[0], parts[1]);
    }

    private static void ThrowIfUnsearchable(string path)
    {
        try
        {
            _ = new DirectoryInfo(Path.GetDirectoryName(Path.GetFullPath(path))!).EnumerateFileSystemInfos(Path.GetFileName(path)).Any();
        }
        catch (DirectoryNotFoundException)
        {
            // The repo folder or its blobs/ is gone: so is the link.
        }
    }

    /// <summary>The store entry <paramref name="blobPath"/> links to when that entry is a regular file (huggingface_hub's <c>shared_blob_target</c>).</summary>
    public string? TargetOf(string blobPath) => LinkedEntry(blobPath) is { } entry && IsRegularFile(entry) ? entry : null;

    /// <summary>Whether the entry of <paramref name="xetHash"/> is a regular, readable file of <paramref name="size"/> bytes.</summary>
    public bool HasUsableEntry(string xetHash, long size) => IsXetHash(xetHash) && Exists && IsUsableEntry(EntryPath(xetHash), size);

    /// <summary>The payloads in the store: regular files named by a Xet hash inside the folder of their prefix.</summary>
    public IReadOnlyList<FileInfo> Entries()
    {
        var found = new List<FileInfo>();
        if (!Exists) return found;
        try
        {
            foreach (DirectoryInfo prefix in new DirectoryInfo(Root).EnumerateDirectories())
            {
                if (!PrefixPattern().IsMatch(prefix.Name) || prefix.LinkTarget is not null) continue;
                foreach (FileInfo entry in prefix.EnumerateFiles())
                {
                    if (IsXetHash(entry.Name) && entry.Name.StartsWith(prefix.Name, StringComparison.Ordinal) && entry.LinkTarget is null) found.Add(entry);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // An unreadable store lists what it could.
        }
        return found;
    }

    /// <summary>
    /// Makes the repo blob <paramref name="blobPath"/> a link to the existing entry of <paramref name="xetHash"/> when that
    /// entry is usable (<paramref name="size"/> bytes): the manifest line is flushed before the link appears. False on a
    /// miss or any failure, with the repo blob untouched.
    /// </summary>
    public async Task<bool> TryLinkAsync(string blobPath, string xetHash, long size, TimeSpan lockTimeout, CancellationToken cancellationToken)
    {
        if (!IsXetHash(xetHash) || !Exists) return false;
        string entry = EntryPath(xetHash);
        string? relative = SharableBlobPath(blobPath);
        if (relative is null) return false;

        string? tempLink = null;
        try
        {
            using BlobLock? held = await SharedBlobLock.AcquireAsync(entry, lockTimeout, cancellationToken).ConfigureAwait(false);
            if (held is null || !IsUsableEntry(entry, size)) return false;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(blobPath))!);
            tempLink = CreateTempLink(blobPath, entry);
            SharedBlobManifest.Append(SharedBlobManifest.PathFor(entry), relative);
            File.Move(tempLink, blobPath, overwrite: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            return false;
        }
        finally
        {
            if (tempLink is not null) AtomicFile.TryDelete(tempLink);
        }
    }

    /// <summary>
    /// Moves the verified repo blob <paramref name="blobPath"/> into the store as the entry of <paramref name="xetHash"/>
    /// (reusing a usable entry of <paramref name="size"/> bytes unless <paramref name="replaceExisting"/>) and replaces the
    /// repo blob by a relative link to it, all under the entry's lock, the manifest line flushed before the link appears.
    /// Returns whether the blob is now shared; on any failure the repo blob is left, or restored, as a regular file.
    /// </summary>
    /// <exception cref="IOException">The blob was moved into the store and could not be restored after a later failure.</exception>
    public async Task<bool> PublishAsync(string blobPath, string xetHash, long size, bool replaceExisting, TimeSpan lockTimeout, CancellationToken cancellationToken)
    {
        if (!IsXetHash(xetHash)) return false;
        string? relative = SharableBlobPath(blobPath);
        string? prefix = relative is null ? null : EnsurePrefixFolder(xetHash);
        if (relative is null || prefix is null) return false;

        string entry = EntryPath(xetHash);
        string? tempLink = null;
        bool moved = false;
        try
        {
            using BlobLock? held = await SharedBlobLock.AcquireAsync(entry, lockTimeout, cancellationToken).ConfigureAwait(false);
            if (held is null) return false;
            tempLink = CreateTempLink(blobPath, entry);
            bool reuse = !replaceExisting && IsUsableEntry(entry, size);
            SharedBlobManifest.Append(SharedBlobManifest.PathFor(entry), relative);
            CrashPoints.Reached(CrashPoints.SharedBlobReferenced);
            if (!reuse)
            {
                SharedBlobModes.MakePayload(blobPath, CacheRoot);
                // A hard link puts the payload in the store while the repo blob still holds it, so a crash before the
                // link below replaces the blob leaves a complete regular blob (huggingface_hub moves it, leaving a moment
                // with no blob). Where hard links are unavailable, or an entry is being replaced, the blob is moved.
                if (File.Exists(entry) || !HardLink.TryCreate(blobPath, entry))
                {
                    File.Move(blobPath, entry, overwrite: true);
                    moved = true;
                }
            }
            CrashPoints.Reached(CrashPoints.SharedBlobStored);
            File.Move(tempLink, blobPath, overwrite: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            if (moved && !SafeDelete.Exists(blobPath))
            {
                try
                {
                    File.Copy(entry, blobPath);
                }
                catch (Exception restore) when (restore is IOException or UnauthorizedAccessException)
                {
                    throw new IOException($"Could not restore repo blob '{blobPath}' after a shared-store failure.", restore);
                }
            }
            return false;
        }
        finally
        {
            if (tempLink is not null) AtomicFile.TryDelete(tempLink);
        }
    }

    /// <summary>
    /// Collects the entry <paramref name="entryPath"/> when its manifest lists no valid reference: deletes the payload and
    /// the manifest and returns the bytes freed. With references left, rewrites the manifest to exactly those and returns
    /// 0; a missing or unreadable manifest (or any failure) is never grounds for deletion and also returns 0.
    /// </summary>
    public long Sweep(string entryPath, TimeSpan lockTimeout)
    {
        string entry = Path.GetFullPath(entryPath);
        string relative = Path.GetRelativePath(Root, entry);
        string[] parts = relative.Split(Path.DirectorySeparatorChar);
        if (!Exists || parts.Length != 2 || !IsXetHash(parts[1]) || parts[0] != parts[1][..2]) return 0;
        try
        {
            using BlobLock? held = SharedBlobLock.AcquireAsync(entry, lockTimeout, CancellationToken.None).GetAwaiter().GetResult();
            if (held is null) return 0;
            HashSet<string>? references = SharedBlobManifest.ReadValidReferences(this, entry);
            if (references is null) return 0;
            string manifest = SharedBlobManifest.PathFor(entry);
            if (references.Count > 0)
            {
                SharedBlobManifest.Rewrite(this, manifest, references);
                return 0;
            }
            var payload = new FileInfo(entry);
            if (!payload.Exists || payload.LinkTarget is not null) return 0;
            long size = payload.Length;
            File.Delete(entry);
            AtomicFile.TryDelete(manifest);
            return size;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>
    /// The bytes collecting <paramref name="entryPath"/> would free if every repo blob in <paramref name="blobsToDelete"/>
    /// went: its size when all its valid references are among them, else 0 (huggingface_hub's <c>expected_shared_blob_freed_size</c>).
    /// </summary>
    public long ExpectedFreedSize(string entryPath, IReadOnlySet<string> blobsToDelete)
    {
        HashSet<string>? references = SharedBlobManifest.ReadValidReferences(this, entryPath);
        if (references is null || references.Count == 0 || !references.IsSubsetOf(blobsToDelete)) return 0;
        var payload = new FileInfo(entryPath);
        return payload.Exists && payload.LinkTarget is null ? payload.Length : 0;
    }

    /// <summary>Creates and marks the store (refusing an unmarked folder with other content), then the entry's prefix folder; null when it cannot.</summary>
    private string? EnsurePrefixFolder(string xetHash)
    {
        if (!EnsureStore()) return null;
        string prefix = Path.Combine(Root, xetHash[..2]);
        try
        {
            Directory.CreateDirectory(prefix);
            if (!IsDirectory(prefix)) return null; // A symlink or a file planted there is never used.
            SharedBlobModes.RepairDirectory(prefix, CacheRoot);
            return prefix;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private bool EnsureStore()
    {
        string marker = Path.Combine(Root, MarkerName);
        string? temp = null;
        try
        {
            Directory.CreateDirectory(Root);
            if (IsStoreDirectory(Root)) return true;
            if (!IsDirectory(Root) || !RemoveAbandonedMarkerTemps()) return false;
            SharedBlobModes.RepairDirectory(Root, CacheRoot);
            temp = marker + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
            File.WriteAllText(temp, MarkerContent);
            SharedBlobModes.MakePayload(temp, CacheRoot);
            File.Move(temp, marker, overwrite: true);
            return IsStoreDirectory(Root);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        finally
        {
            if (temp is not null) AtomicFile.TryDelete(temp);
        }
    }

    /// <summary>
    /// Removes marker temp files another process abandoned (<c>.huggingface-shared-blobs.{8 hex}.tmp</c> holding a prefix of
    /// <c>1\n</c>); false when the folder holds anything else, which makes it someone else's folder, never adopted.
    /// </summary>
    private bool RemoveAbandonedMarkerTemps()
    {
        FileSystemInfo[] entries = new DirectoryInfo(Root).GetFileSystemInfos();
        foreach (FileSystemInfo entry in entries)
        {
            if (!MarkerTempPattern().IsMatch(entry.Name) || !IsRegularFile(entry.FullName)) return false;
            string content;
            try
            {
                content = File.ReadAllText(entry.FullName);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return false;
            }
            if (!MarkerContent.StartsWith(content, StringComparison.Ordinal)) return false;
        }
        foreach (FileSystemInfo entry in entries) AtomicFile.TryDelete(entry.FullName);
        return !Directory.EnumerateFileSystemEntries(Root).Any();
    }

    /// <summary><c>.{etag}.{8 hex}.shared</c> beside the repo blob: a relative link to the entry, renamed over the blob later.</summary>
    private static string CreateTempLink(string blobPath, string entry)
    {
        string full = Path.GetFullPath(blobPath);
        string folder = Path.GetDirectoryName(full)!;
        string temp = Path.Combine(folder, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N")[..8] + ".shared");
        string target = Path.GetRelativePath(folder, entry).Replace(Path.DirectorySeparatorChar, '/');
        File.CreateSymbolicLink(temp, target);
        return temp;
    }

    private static bool IsUsableEntry(string entry, long size)
    {
        var info = new FileInfo(entry);
        if (!info.Exists || info.LinkTarget is not null || info.Length != size) return false;
        try
        {
            using (File.OpenHandle(entry, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            {
                return true;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>A regular file, not through a symlink (<c>lstat</c>).</summary>
    internal static bool IsRegularFile(string path)
    {
        var info = new FileInfo(path);
        return info.Exists && info.LinkTarget is null;
    }

    /// <summary>A folder, not a symlink to one (<c>lstat</c>).</summary>
    internal static bool IsDirectory(string path)
    {
        var info = new DirectoryInfo(path);
        return info.Exists && info.LinkTarget is null;
    }

    [GeneratedRegex(@"^[0-9a-f]{64}\z")]
    private static partial Regex XetHashPattern();

    [GeneratedRegex(@"^(?:models|datasets|spaces)--.+\z", RegexOptions.Singleline)]
    private static partial Regex RepoFolderPattern();

    [GeneratedRegex(@"^[0-9a-f]{2}\z")]
    private static partial Regex PrefixPattern();

    [GeneratedRegex(@"^\.huggingface-shared-blobs\.[0-9a-f]{8}\.tmp\z")]
    private static partial Regex MarkerTempPattern();
}
