namespace HubClient.Tests.Api;

/// <summary>Measures what the process retains, so nothing else may run at the same time (a test alone in its collection).</summary>
[CollectionDefinition("Process memory", DisableParallelization = true)]
public sealed class ProcessMemoryGroup;

[Collection("Process memory")]
public sealed class LinkedPageableMemoryTests
{
    /// <summary>
    /// LinkedPageable documents "holds one page at a time", but the visited set keeps every page URL for the whole
    /// listing: a tree listing with expand (50 entries a page) of a dataset with millions of files keeps every cursor URL.
    /// </summary>
    [Fact]
    public async Task A_long_listing_does_not_retain_memory_per_page()
    {
        const int Pages = 100_000;
        string cursor = new('Q', 180); // hub cursors are base64 blobs of about this length
        Uri PageUri(int i) => new($"https://hub.example/api/datasets/acme/big/tree/main?recursive=true&expand=true&cursor={cursor}{i}");
        var pageable = new LinkedPageable<int>(null!, PageUri(0),
            (uri, _) =>
            {
                int i = int.Parse(uri.Query[(uri.Query.LastIndexOf('Q') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
                return Task.FromResult(new LinkedPage<int>([i], i + 1 < Pages ? PageUri(i + 1) : null));
            }, limit: null, CancellationToken.None);

        long atStart = 0, atEnd = 0;
        int seen = 0;
        await foreach (HubPage<int> page in pageable.AsPages())
        {
            seen++;
            if (seen == 1_000) atStart = GC.GetTotalMemory(forceFullCollection: true);
            if (seen == Pages) atEnd = GC.GetTotalMemory(forceFullCollection: true);
        }

        Assert.Equal(Pages, seen);
        long grown = atEnd - atStart;
        Assert.True(grown < 8 * 1024 * 1024, $"{grown / (1024 * 1024)} MiB retained by a listing of {Pages} pages");
    }
}
