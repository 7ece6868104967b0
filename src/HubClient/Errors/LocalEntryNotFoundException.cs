namespace HubClient;

/// <summary>
/// The file (or some files of a snapshot) is not in the local cache, and the hub could not be asked:
/// offline mode, <c>LocalFilesOnly</c>, or a network failure (then <see cref="Exception.InnerException"/> says which).
/// </summary>
public class LocalEntryNotFoundException : HubException
{
    /// <summary>Creates the exception.</summary>
    public LocalEntryNotFoundException(string message, IReadOnlyList<string>? missingPaths = null, Exception? innerException = null)
        : base(message, innerException)
    {
        MissingPaths = missingPaths ?? [];
    }

    /// <summary>Repository paths that are missing from the cache, when known.</summary>
    public IReadOnlyList<string> MissingPaths { get; }
}
