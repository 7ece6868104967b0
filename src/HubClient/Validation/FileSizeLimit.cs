namespace HubClient;

/// <summary>
/// The largest file size HubClient believes a server: 1 PiB (2^50 bytes), far above the hub's largest files (TB-scale). A
/// larger one is a malformed answer: it could be neither preallocated nor planned, and sums of such sizes overflow.
/// </summary>
internal static class FileSizeLimit
{
    public const long MaxFileSize = 1L << 50;

    /// <summary>The largest sum of a listing's file sizes believed (2^62 bytes: no file count makes it overflow a long).</summary>
    public const long MaxListingSize = 1L << 62;

    /// <summary>What a file size must be, for messages refusing one.</summary>
    public const string Expected = "a file size is 0 to 2^50 bytes";

    public static bool IsPlausible(long size) => size is >= 0 and <= MaxFileSize;
}
