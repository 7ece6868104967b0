namespace HubClient;

/// <summary>Writing downloaded bytes to local disk failed (disk full, permissions): not a network error, so never retried.</summary>
internal sealed class LocalWriteException(string message, Exception inner) : IOException(message, inner);
