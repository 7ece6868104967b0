namespace HubClient;

/// <summary>
/// The server cannot serve the byte ranges a parallel download needs (it answered a <c>Range</c> with 200, with an encoded
/// body or with another start): the caller falls back to one HTTP stream.
/// </summary>
internal sealed class RangeNotSupportedException(string message) : Exception(message);
