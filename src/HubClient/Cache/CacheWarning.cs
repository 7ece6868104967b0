namespace HubClient;

/// <summary>Something malformed that <see cref="HubCache.Scan"/> found and stepped over.</summary>
public sealed class CacheWarning
{
    internal CacheWarning(CacheWarningKind kind, string path, string message)
    {
        Kind = kind;
        Path = path;
        Message = message;
    }

    /// <summary>What is wrong.</summary>
    public CacheWarningKind Kind { get; }

    /// <summary>The file or folder concerned.</summary>
    public string Path { get; }

    /// <summary>A description for people.</summary>
    public string Message { get; }

    /// <inheritdoc />
    public override string ToString() => Message;
}
