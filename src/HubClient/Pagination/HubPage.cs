namespace HubClient;

/// <summary>One page of a hub listing, as read through <see cref="HubPageable{T}.AsPages"/>.</summary>
/// <typeparam name="T">The kind of item listed.</typeparam>
public sealed class HubPage<T>
{
    /// <summary>Creates a page (for tests and mocks; HubClient creates its own).</summary>
    /// <param name="values">The items of the page.</param>
    /// <param name="continuationToken">The token of the next page, or null when this is the last one.</param>
    public HubPage(IReadOnlyList<T> values, string? continuationToken)
    {
        ArgumentNullException.ThrowIfNull(values);
        Values = values;
        ContinuationToken = continuationToken;
    }

    /// <summary>The items of this page, in the order the hub sent them.</summary>
    public IReadOnlyList<T> Values { get; }

    /// <summary>
    /// The URL of the next page (the hub's <c>Link: &lt;…&gt;; rel="next"</c>), to pass to
    /// <see cref="HubPageable{T}.AsPages"/> to continue later; null when the listing ends here.
    /// </summary>
    public string? ContinuationToken { get; }
}
