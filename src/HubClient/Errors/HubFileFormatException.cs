namespace HubClient;

/// <summary>
/// A file's bytes do not follow its format (a safetensors header that is malformed, too large or lies about its length; a
/// GGUF file with a bad magic, an unsupported version, a truncated header or absurd counts). Nothing was cached.
/// </summary>
public class HubFileFormatException : HubException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, with the offending value.</param>
    /// <param name="path">The file's path in the repository.</param>
    /// <param name="innerException">The parser's error, if any.</param>
    public HubFileFormatException(string message, string path, Exception? innerException = null) : base(message, innerException)
    {
        Path = path;
    }

    /// <summary>The file's path in the repository.</summary>
    public string Path { get; }
}
