namespace HubClient.Xet;

/// <summary>A verified Xet download: every term with the chunk hashes written for it (what a <see cref="XetBlobRecord"/> keeps).</summary>
internal sealed record XetDownloadResult(IReadOnlyList<(XetPlannedTerm Planned, XetLedgerTerm Done)> Terms)
{
    public static XetDownloadResult Empty { get; } = new([]);
}
