using System.Globalization;

namespace HubClient;

/// <summary>
/// The names in a repo's <c>blobs/</c> folder read back (the other half of <see cref="RepoCacheLayout"/>, which produces
/// them): <c>{etag}</c> is a published blob, <c>{etag}.incomplete</c> the resumable single-stream partial,
/// <c>{etag}.chunked.incomplete</c> the resumable parallel partial with its ledger <c>{etag}.chunks.incomplete</c>,
/// <c>{etag}.xet.incomplete</c> the resumable Xet partial with its term ledger <c>{etag}.xet-terms.incomplete</c>,
/// <c>{etag}.{random}.incomplete</c> a writer's private temp file, anything that starts with a partial's name and continues
/// its sidecar, and <c>{etag}.corrupt-{time}</c> a blob that failed verification and was set aside.
/// </summary>
internal sealed partial class RepoCacheLayout
{
    public const string IncompleteSuffix = ".incomplete";
    public const string ChunkedPartialSuffix = ".chunked" + IncompleteSuffix;
    public const string LedgerSuffix = ".chunks" + IncompleteSuffix;
    public const string XetPartialSuffix = ".xet" + IncompleteSuffix;
    public const string XetLedgerSuffix = ".xet-terms" + IncompleteSuffix;
    private const string CorruptMarker = ".corrupt-";

    /// <summary>Whether <paramref name="name"/> names a published blob (an etag: no dot, safe characters).</summary>
    public static bool IsBlob(string name) =>
        name.Length is > 0 and <= 200 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public static bool IsIncomplete(string name) => name.EndsWith(IncompleteSuffix, StringComparison.Ordinal) && name.Length > IncompleteSuffix.Length;

    /// <summary>The resumable partial <c>{etag}.incomplete</c> (as opposed to a private <c>{etag}.{random}.incomplete</c>).</summary>
    public static bool IsResumableIncomplete(string name) =>
        (IsIncomplete(name) && IsBlob(name[..^IncompleteSuffix.Length])) || IsChunkedPartial(name);

    /// <summary>The resumable parallel partial <c>{etag}.chunked.incomplete</c>.</summary>
    public static bool IsChunkedPartial(string name) =>
        (name.EndsWith(ChunkedPartialSuffix, StringComparison.Ordinal) && IsBlob(name[..^ChunkedPartialSuffix.Length]))
        || (name.EndsWith(XetPartialSuffix, StringComparison.Ordinal) && IsBlob(name[..^XetPartialSuffix.Length]));

    /// <summary>The ledger <c>{etag}.chunks.incomplete</c> of a parallel partial: a sidecar, not a partial of its own.</summary>
    public static bool IsLedger(string name) =>
        (name.EndsWith(LedgerSuffix, StringComparison.Ordinal) && IsBlob(name[..^LedgerSuffix.Length]))
        || (name.EndsWith(XetLedgerSuffix, StringComparison.Ordinal) && IsBlob(name[..^XetLedgerSuffix.Length]));

    /// <summary>The etag a temp or set-aside file belongs to: the name up to its first dot.</summary>
    public static string EtagOf(string name)
    {
        int dot = name.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? name : name[..dot];
    }

    /// <summary>Whether <paramref name="name"/> is a sidecar of the partial <paramref name="incompleteName"/>.</summary>
    public static bool IsSidecarOf(string name, string incompleteName) =>
        (name.Length > incompleteName.Length && name.StartsWith(incompleteName, StringComparison.Ordinal))
        || (IsChunkedPartial(incompleteName) && IsLedger(name) && EtagOf(name) == EtagOf(incompleteName)
            && incompleteName.EndsWith(XetPartialSuffix, StringComparison.Ordinal) == name.EndsWith(XetLedgerSuffix, StringComparison.Ordinal));

    /// <summary>Whether <paramref name="name"/> is a sidecar of some partial (a ledger, or a name that continues after <c>.incomplete</c>).</summary>
    public static bool IsSidecar(string name)
    {
        if (IsLedger(name)) return true;
        int index = name.IndexOf(IncompleteSuffix, StringComparison.Ordinal);
        return index > 0 && index + IncompleteSuffix.Length < name.Length;
    }

    public static bool IsSetAside(string name) => name.Contains(CorruptMarker, StringComparison.Ordinal);

    /// <summary><c>{etag}.corrupt-{yyyyMMddTHHmmssfffZ}</c>: outside the blob naming scheme, so no client mistakes it for the blob.</summary>
    public static string SetAsideName(string etag, DateTimeOffset now) =>
        etag + CorruptMarker + now.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
}
