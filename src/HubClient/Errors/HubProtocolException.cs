namespace HubClient;

/// <summary>
/// The server's answer does not follow the hub protocol: a HEAD without commit, etag or size, malformed JSON, a redirect
/// loop. Often a proxy or a misconfigured mirror; for downloads it is treated like a network failure (the cache is tried).
/// </summary>
public class HubProtocolException : HubException
{
    /// <summary>Creates the exception.</summary>
    public HubProtocolException(string message, Uri? requestUri, Exception? innerException = null)
        : base(message, null, null, null, requestUri, innerException) { }

    /// <summary>A server that does not speak the hub protocol will not start to: not transient.</summary>
    public override bool IsTransient => false;
}
