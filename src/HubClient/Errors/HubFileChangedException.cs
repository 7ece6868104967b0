namespace HubClient;

/// <summary>
/// The file changed on the server while it was being downloaded: a range answered with another validator (<c>ETag</c>),
/// <c>412 Precondition Failed</c> to <c>If-Match</c>, or another total size. The download was abandoned and its partial
/// bytes deleted; nothing was published in the cache. Calling again downloads the file's new version.
/// </summary>
public class HubFileChangedException : HubException
{
    /// <summary>Creates the exception.</summary>
    public HubFileChangedException(string message, string path, Uri? requestUri = null)
        : base(message, null, null, null, requestUri)
    {
        Path = path;
    }

    /// <summary>The file's path in the repository.</summary>
    public string Path { get; }

    /// <summary>The file changed on the hub: calling again downloads the new version.</summary>
    public override bool IsTransient => true;
}
