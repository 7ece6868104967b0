namespace HubClient;

/// <summary>Another writer holds the resumable partial file (a file system whose locks do nothing): use a unique temp file instead.</summary>
internal sealed class PartialInUseException(string message, Exception inner) : Exception(message, inner);
