namespace HubClient.Tests.Api;

public sealed class HubPageableTests
{
    [Fact]
    public async Task FromPages_serves_mocks_item_by_item_and_page_by_page()
    {
        HubPageable<string> pageable = HubPageable<string>.FromPages([new HubPage<string>(["a", "b"], "t1"), new HubPage<string>(["c"], null)]);

        Assert.Equal(["a", "b", "c"], await pageable.ToListAsync());
        Assert.Equal(["c"], (await pageable.AsPages("t1").ToListAsync()).SelectMany(p => p.Values));
        Assert.Throws<ArgumentException>(() => pageable.AsPages("unknown"));
    }

    [Fact]
    public async Task Cancelling_the_operation_token_stops_the_listing_between_pages()
    {
        await using var f = new HubFixture();
        f.Hub.AddRepo("acme/m").Commit(c => Enumerable.Range(0, 10).ToList().ForEach(i => c.Add($"f{i}.txt", "x")));
        f.Hub.TreePageSize = 2;
        using var cts = new CancellationTokenSource();
        int seen = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (RepoTreeEntry _ in f.Api.ListRepoTreeAsync("acme/m", cancellationToken: cts.Token))
            {
                if (++seen == 2) cts.Cancel();
            }
        });

        Assert.Equal(2, seen);
        Assert.Single(f.Hub.Requests);
    }

    [Fact]
    public async Task Cancelling_the_enumeration_token_stops_the_listing_too()
    {
        await using var f = new HubFixture();
        f.Hub.AddRepo("acme/m").Commit(c => Enumerable.Range(0, 10).ToList().ForEach(i => c.Add($"f{i}.txt", "x")));
        f.Hub.TreePageSize = 2;
        using var operation = new CancellationTokenSource();
        using var enumeration = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (HubPage<RepoTreeEntry> _ in f.Api.ListRepoTreeAsync("acme/m", cancellationToken: operation.Token).AsPages().WithCancellation(enumeration.Token))
            {
                enumeration.Cancel();
            }
        });

        Assert.Single(f.Hub.Requests);
    }

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
