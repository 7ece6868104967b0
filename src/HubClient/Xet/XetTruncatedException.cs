namespace HubClient.Xet;

/// <summary>A xorb answer ended before its signed ranges did (a dropped connection): the fetch is retried.</summary>
internal sealed class XetTruncatedException(string message, Exception? innerException = null) : IOException(message, innerException);
