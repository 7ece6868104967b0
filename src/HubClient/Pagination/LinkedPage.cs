namespace HubClient;

/// <summary>One fetched page: its items and the URL of the next page, if any.</summary>
internal readonly record struct LinkedPage<T>(IReadOnlyList<T> Values, Uri? Next);
