// Browse a hub: search models, read a listing page by page (and resume it later from a continuation token), list a
// repository's files, branches, tags and commits.
//   dotnet run --project samples/BrowseHub
//   dotnet run --project samples/BrowseHub -- --endpoint https://huggingface.co --repo openai-community/gpt2
using HubClient;
using HubClient.Samples;
using HubClient.Testing;

await using SampleHub hub = SampleHub.Start(args);
if (hub.Embedded is { } embedded)
{
    // Give the demo hub something to search: 45 small models of two authors, listed 10 per page.
    for (int i = 1; i <= 45; i++)
    {
        FakeRepo repo = embedded.AddRepo($"{(i % 3 == 0 ? "contoso" : "demo")}/bert-mini-{i:00}");
        repo.Downloads = 1000 - i * 7;
        repo.PipelineTag = "text-classification";
        repo.Commit(c => c.Add("config.json", $"{{\"layers\": {i % 6 + 1}}}"));
    }
    embedded.ListingPageSize = 10;
}
using var cache = new TempCache();
using var api = new HubApi(hub.CreateOptions(cache.Path));
string author = hub.IsEmbedded ? "demo" : hub.RepoId.Split('/')[0];

// 1. A search, most downloaded first, stopping after 5 results (no further page is fetched).
Console.WriteLine($"Top models by {author}:");
await foreach (ModelInfo model in api.ListModelsAsync(new ModelSearch { Author = author, Sort = RepoSort.Downloads, Limit = 5 }))
{
    Console.WriteLine($"  {model.Id,-40} {model.Downloads,8} downloads");
}

// 2. Page by page: read one page, keep its continuation token, and continue later (another request, process or day).
var search = new ModelSearch { Search = "bert" };
string? token = null;
await foreach (HubPage<ModelInfo> page in api.ListModelsAsync(search).AsPages())
{
    Console.WriteLine($"First page: {page.Values.Count} models, more: {page.ContinuationToken is not null}");
    token = page.ContinuationToken;
    break;
}
int rest = 0;
if (token is not null)
{
    await foreach (HubPage<ModelInfo> page in api.ListModelsAsync(search).AsPages(token)) rest += page.Values.Count;
}
Console.WriteLine($"Resumed from the token: {rest} more models");

// 3. The files of one repository, recursively.
Console.WriteLine($"Files of {hub.RepoId}:");
await foreach (RepoTreeEntry entry in api.ListRepoTreeAsync(hub.RepoId, recursive: true))
{
    Console.WriteLine(entry is RepoFile file ? $"  {file.Path} ({file.Size} bytes{(file.XetHash is not null ? ", Xet" : file.Lfs is not null ? ", LFS" : "")})" : $"  {entry.Path}/");
}

// 4. Branches, tags and history.
GitRefs refs = await api.ListRepoRefsAsync(hub.RepoId);
Console.WriteLine($"Branches: {string.Join(", ", refs.Branches.Select(b => b.Name))}; tags: {string.Join(", ", refs.Tags.Select(t => t.Name))}");
await foreach (CommitInfo commit in api.ListRepoCommitsAsync(hub.RepoId))
{
    Console.WriteLine($"  {commit.Id[..8]} {commit.Date:yyyy-MM-dd} {commit.Title}");
}
