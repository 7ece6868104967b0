namespace HubClient.Tests.Faults;

/// <summary>
/// One misbehaviour of the hub or the network and what HubClient must do about it: succeed with a verified file
/// (<see cref="Throws"/> null) or throw exactly the documented exception type.
/// </summary>
/// <param name="Name">The row's name in test output.</param>
/// <param name="File">The file downloaded: an LFS file (CDN redirect) or a regular git file (resolve URL).</param>
/// <param name="Arrange">Injects the faults (and seeds partials).</param>
/// <param name="Throws">The exact exception type expected, or null for success.</param>
/// <param name="Check">Further assertions, on the request log, the clock or the error.</param>
/// <param name="RepoId">The repo id the caller asks for, when not the repo itself (a renamed repo).</param>
public sealed record FaultCase(
    string Name, string File, Action<FaultContext> Arrange, Type? Throws = null, Action<FaultContext>? Check = null, string? RepoId = null)
{
    public override string ToString() => Name;
}
