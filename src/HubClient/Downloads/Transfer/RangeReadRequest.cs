namespace HubClient;

/// <summary>One read of bytes <c>[sink position, End)</c> of a file by <see cref="HttpRangeReader"/>.</summary>
/// <param name="RepoPath">The file's path in its repository, for messages and logs.</param>
/// <param name="FileSize">The whole file's size in bytes (a <c>Content-Range</c> total must match it in strict mode).</param>
/// <param name="End">The offset after the last byte wanted.</param>
/// <param name="Location">Where the bytes are; redirects and refreshed signed URLs are recorded there for every reader of the file.</param>
/// <param name="Mode">Whether answers other than the exact range restart the sink or throw.</param>
/// <param name="Validator">Keeps ranges of a parallel download or a remote stream on one version of the file (<c>If-Match</c>); strict mode only.</param>
/// <param name="RangeServed">Called when a 206 answer proved the server serves ranges.</param>
/// <param name="KeepsPartial">Whether the bytes read are kept for a later attempt (a download's partial file), for messages.</param>
internal sealed record RangeReadRequest(
    string RepoPath,
    long FileSize,
    long End,
    SharedLocation Location,
    RangeMode Mode,
    RangeValidator? Validator = null,
    Action? RangeServed = null,
    bool KeepsPartial = true);
