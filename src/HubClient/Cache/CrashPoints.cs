namespace HubClient;

/// <summary>
/// A test seam, internal on purpose: named points between the steps that publish a download (or hand a partial from one
/// transport to another), where the crash tests'
/// helper process pauses so that it can be killed there deterministically. Nothing is called when no hook is set.
/// </summary>
internal static class CrashPoints
{
    /// <summary>The blob is in <c>blobs/</c>; the snapshot entry does not exist yet.</summary>
    public const string BlobPublished = "blob-published";

    /// <summary>Copy mode: the copy of a shared blob is staged in <c>blobs/</c>; it has not been renamed into the snapshot yet.</summary>
    public const string PointerStaged = "pointer-staged";

    /// <summary>Shared store publish: the manifest lists the repo blob; the payload has not been moved into the store yet.</summary>
    public const string SharedBlobReferenced = "shared-blob-referenced";

    /// <summary>Shared store publish: the payload is in the store; the repo blob has not been replaced by a link to it yet.</summary>
    public const string SharedBlobStored = "shared-blob-stored";

    /// <summary>Xet handover: the bridge's sidecar describes what Xet wrote; the Xet partial has not been moved to the bridge's partial yet.</summary>
    public const string XetHandoverRecorded = "xet-handover-recorded";

    /// <summary>Xet handover: the Xet partial is the bridge's partial now; the Xet ledger has not been deleted yet.</summary>
    public const string XetHandedOver = "xet-handed-over";

    private static readonly AsyncLocal<Action<string>?> CurrentHook = new();

    /// <summary>
    /// Set by the crash-test helper, and by tests: it holds for the code that runs in the flow that set it (tasks it starts
    /// included), so that tests running side by side never see each other's hook.
    /// </summary>
    internal static Action<string>? Hook
    {
        get => CurrentHook.Value;
        set => CurrentHook.Value = value;
    }

    public static void Reached(string point) => Hook?.Invoke(point);
}
