namespace HubClient.Xet;

/// <summary>
/// A verified Xet download: every term with the chunk hashes written for it (what a <see cref="XetBlobRecord"/> keeps), and
/// whether some ranges were written twice (copied terms fetched again after the file hash failed, or a xorb fetch
/// retried after writing part of its terms), so a hash that followed the writes must be redone.
/// </summary>
internal sealed record XetDownloadResult(IReadOnlyList<(XetPlannedTerm Planned, XetLedgerTerm Done)> Terms, bool Refetched = false)
{
    public static XetDownloadResult Empty { get; } = new([]);
}
