namespace HubClient.Xet;

/// <summary>
/// Xet could not deliver the file — the CAS is unreachable, answered 5xx/429 after retries, refused the token, or sent
/// a malformed reconstruction — so the caller should fetch the file through the plain-HTTP bridge instead. Never thrown
/// for an integrity failure (that is <see cref="HubIntegrityException"/>).
/// </summary>
internal sealed class XetUnavailableException : Exception
{
    public XetUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// Whether bytes written so far may sit at the wrong offsets (a reconstruction whose term lengths are wrong places every
    /// later term wrongly): then they are not handed to the bridge but discarded.
    /// </summary>
    public bool WrittenBytesSuspect { get; init; }
}
