namespace HubClient.Xet;

/// <summary>
/// A signed xorb URL answered 403: signed URLs expire (the CDN refuses them after their lifetime, as S3 refuses an expired
/// presigned URL), so the range is asked for again through a fresh reconstruction, as xet-core does.
/// </summary>
internal sealed class XetUrlRefusedException(string message) : IOException(message);
