using System.Runtime.CompilerServices;

namespace HubClient;

/// <summary>
/// A hub listing read lazily: enumerating it fetches one page at a time, following the hub's <c>Link</c> headers, and only
/// when the previous page has been consumed. Stopping the enumeration stops the requests. Enumerate it item by item with
/// <c>await foreach</c>, or page by page with <see cref="AsPages"/> to stop and continue later from a continuation token.
/// </summary>
/// <remarks>
/// Nothing is requested until the enumeration starts, so errors about the repository (not found, gated…) are thrown by
/// the first <c>MoveNextAsync</c>. Each enumeration starts over from the first page.
/// </remarks>
/// <typeparam name="T">The kind of item listed.</typeparam>
public abstract class HubPageable<T> : IAsyncEnumerable<T>
{
    /// <summary>For mocks and test doubles.</summary>
    protected HubPageable() { }

    /// <summary>
    /// Reads the listing page by page, starting at the first page or at <paramref name="continuationToken"/> (the
    /// <see cref="HubPage{T}.ContinuationToken"/> of a page read earlier).
    /// </summary>
    /// <param name="continuationToken">Where to continue; null to start at the beginning.</param>
    /// <exception cref="ArgumentException">The token is not a URL of the hub's endpoint (the token is never sent elsewhere).</exception>
    public abstract IAsyncEnumerable<HubPage<T>> AsPages(string? continuationToken = null);

    /// <summary>Reads the listing item by item, fetching pages as they are needed.</summary>
    /// <param name="cancellationToken">Cancels the enumeration (and the request under way).</param>
    public virtual async IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        await foreach (HubPage<T> page in AsPages().WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            foreach (T value in page.Values)
            {
                yield return value;
            }
        }
    }

    /// <summary>A listing made of the given pages, for tests and mocks of <see cref="HubApi"/>.</summary>
    /// <param name="pages">The pages, in order; <see cref="AsPages"/> with a token continues after the page that carries it.</param>
#pragma warning disable CA1000 // A factory on the generic type reads naturally: HubPageable<ModelInfo>.FromPages(...).
    public static HubPageable<T> FromPages(IEnumerable<HubPage<T>> pages)
#pragma warning restore CA1000
    {
        ArgumentNullException.ThrowIfNull(pages);
        return new StaticPageable(pages.ToArray());
    }

    private sealed class StaticPageable(HubPage<T>[] pages) : HubPageable<T>
    {
        public override IAsyncEnumerable<HubPage<T>> AsPages(string? continuationToken = null)
        {
            int start = 0;
            if (continuationToken is not null)
            {
                start = Array.FindIndex(pages, p => p.ContinuationToken == continuationToken) + 1;
                if (start == 0) throw new ArgumentException($"Unknown continuation token '{continuationToken}'.", nameof(continuationToken));
            }
            return ReadAsync(start);
        }

        private async IAsyncEnumerable<HubPage<T>> ReadAsync(int start, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            for (int i = start; i < pages.Length; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await Task.Yield();
                yield return pages[i];
            }
        }
    }
}
