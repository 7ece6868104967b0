namespace HubClient;

/// <summary>
/// Downloaded bytes did not match the hash (or size) the hub announced. The bad bytes were deleted;
/// nothing was published in the cache. Retrying the call downloads the file again.
/// </summary>
public class HubIntegrityException : HubException
{
    /// <summary>Creates the exception.</summary>
    public HubIntegrityException(string message, string path, string expected, string actual)
        : base(message)
    {
        Path = path;
        Expected = expected;
        Actual = actual;
    }

    /// <summary>The file's path in the repository.</summary>
    public string Path { get; }

    /// <summary>The expected hash (or size).</summary>
    public string Expected { get; }

    /// <summary>What the downloaded bytes hashed to (or measured).</summary>
    public string Actual { get; }

    /// <summary>Bytes that failed their hash were already fetched again once: not transient.</summary>
    public override bool IsTransient => false;
}
