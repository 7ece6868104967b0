using System.Runtime.CompilerServices;

namespace HubClient;

/// <summary>
/// A listing whose pages are fetched from the hub and linked by <c>Link: &lt;…&gt;; rel="next"</c>. Holds one page at a
/// time and never fetches ahead: the next request is made only when the consumer asks for more than it has.
/// </summary>
internal sealed class LinkedPageable<T> : HubPageable<T>
{
    private readonly HubJsonClient _json;
    private readonly Uri _firstPage;
    private readonly Func<Uri, CancellationToken, Task<LinkedPage<T>>> _fetchPage;
    private readonly int? _limit;
    private readonly CancellationToken _operationToken;

    /// <param name="json">Validates continuation tokens against the endpoint.</param>
    /// <param name="firstPage">The URL of the first page.</param>
    /// <param name="fetchPage">Fetches and parses one page.</param>
    /// <param name="limit">At most this many items in all (null: no limit); the listing ends once it is reached.</param>
    /// <param name="operationToken">The token given to the operation that created the listing.</param>
    public LinkedPageable(HubJsonClient json, Uri firstPage, Func<Uri, CancellationToken, Task<LinkedPage<T>>> fetchPage, int? limit, CancellationToken operationToken)
    {
        _json = json;
        _firstPage = firstPage;
        _fetchPage = fetchPage;
        _limit = limit;
        _operationToken = operationToken;
    }

    /// <summary>Empty pages with a next link believed in a row (the hub sends none; a cursor past filtered-out items might).</summary>
    private const int MaxEmptyPagesInARow = 16;

    public override IAsyncEnumerable<HubPage<T>> AsPages(string? continuationToken = null)
    {
        Uri start = continuationToken is null ? _firstPage : _json.ParseContinuationToken(continuationToken, nameof(continuationToken));
        return ReadPagesAsync(start);
    }

    private async IAsyncEnumerable<HubPage<T>> ReadPagesAsync(Uri start, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using CancellationTokenSource? linked = _operationToken.CanBeCanceled && cancellationToken.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(_operationToken, cancellationToken)
            : null;
        CancellationToken token = linked?.Token ?? (cancellationToken.CanBeCanceled ? cancellationToken : _operationToken);

        int remaining = _limit ?? int.MaxValue;
        Uri? next = remaining > 0 ? start : null;
        // Next links that lead back to a page already read would repeat the listing forever. Brent's cycle detection finds
        // any loop within twice its length in pages, keeping one URL (a listing of millions of pages holds no history).
        Uri? marker = null;
        long power = 1, sinceMarker = 0;
        int emptyInARow = 0;
        while (next is not null)
        {
            if (next == marker) throw new HubProtocolException($"The next-page links loop back to {next.GetLeftPart(UriPartial.Path)}: the listing would never end.", next);
            if (++sinceMarker >= power)
            {
                marker = next;
                power *= 2;
                sinceMarker = 0;
            }
            LinkedPage<T> page = await _fetchPage(next, token).ConfigureAwait(false);
            IReadOnlyList<T> values = page.Values;
            next = page.Next;
            // Empty pages that keep announcing another (each at a new address, so no loop shows) would be asked for ever.
            emptyInARow = page.Received == 0 && next is not null ? emptyInARow + 1 : 0;
            if (emptyInARow > MaxEmptyPagesInARow)
            {
                throw new HubProtocolException($"{emptyInARow} empty pages in a row each announce another: the listing would never end.", next);
            }
            if (values.Count >= remaining)
            {
                // The limit ends the listing: no further page is fetched, and none is announced.
                values = values.Count == remaining ? values : values.Take(remaining).ToArray();
                next = null;
            }
            remaining -= values.Count;
            yield return new HubPage<T>(values, next?.AbsoluteUri);
        }
    }
}
