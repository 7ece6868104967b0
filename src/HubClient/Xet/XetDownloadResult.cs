namespace HubClient.Xet;

/// <summary>
/// A verified Xet download: every term with the chunk hashes written for it (what a <see cref="XetBlobRecord"/> keeps), and
/// how many of the file's bytes were copied from held blobs rather than fetched (resumed bytes count as neither), and
/// whether copied terms had to be fetched again after the file hash failed (so some ranges were written twice).
/// </summary>
internal sealed record XetDownloadResult(IReadOnlyList<(XetPlannedTerm Planned, XetLedgerTerm Done)> Terms, long BytesFetched, long BytesReused, bool Refetched = false)
{
    public static XetDownloadResult Empty { get; } = new([], 0, 0);
}
