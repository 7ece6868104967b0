namespace HubClient.Tests.Faults;

/// <summary>
/// One misbehaviour of the hub or the network and what HubClient must do about it: succeed with a verified file
/// (<see cref="Throws"/> null) or throw exactly the documented exception type.
/// </summary>
/// <param name="Name">The row's name in test output.</param>
/// <param name="File">The file downloaded: an LFS file (CDN redirect) or a regular git file (resolve URL).</param>
/// <param name="Arrange">Injects the faults (and seeds partials).</param>
/// <param name="Throws">The exact exception type expected, or null for success.</param>
/// <param name="Check">Further assertions, on the request log, the clock or the error (<see cref="FaultContext.Path"/> says which path ran).</param>
/// <param name="RepoId">The repo id the caller asks for, when not the repo itself (a renamed repo).</param>
/// <param name="Paths">
/// The download paths the row applies to, when not all: a fault that only exists in one path's request pattern (a range
/// answered wrongly mid-download needs ranges; a size header needs a HEAD).
/// </param>
/// <param name="OnXet">
/// Whether the row (without <paramref name="Paths"/>) also runs on the Xet paths: its fault, aimed at
/// <see cref="FaultContext.Download"/> (there the xorb GETs) or at the metadata, means the same there and has the same
/// outcome. Most bridge rows do not: a Xet download answers a broken transfer by falling back to the bridge.
/// </param>
public sealed record FaultCase(
    string Name, string File, Action<FaultContext> Arrange, Type? Throws = null, Action<FaultContext>? Check = null, string? RepoId = null,
    IReadOnlyList<DownloadPath>? Paths = null, bool OnXet = false)
{
    /// <summary>
    /// The row's paths; by default every bridge path, except that the git file (below the parallel threshold, one stream
    /// everywhere) skips the ranged paths, where it would repeat its single-stream twin; the Xet paths only with <see cref="OnXet"/>.
    /// </summary>
    public bool AppliesTo(DownloadPath path) => Paths?.Contains(path) ?? (path.IsXet ? OnXet : !(File == FaultCases.Git && path.SplitsLargeFiles));

    public override string ToString() => Name;
}
