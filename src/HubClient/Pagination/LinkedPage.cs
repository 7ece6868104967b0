namespace HubClient;

/// <summary>One fetched page: its items and the URL of the next page, if any.</summary>
internal readonly record struct LinkedPage<T>(IReadOnlyList<T> Values, Uri? Next)
{
    /// <summary>How many items the hub's page held, before a listing kept only some (files, not folders).</summary>
    public int Received { get; init; } = Values.Count;
}
