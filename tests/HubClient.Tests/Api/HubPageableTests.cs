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
}
