namespace HubClient.Tests.Api;

/// <summary>A disposed <see cref="HubApi"/> refuses every call, as .NET types do, naming itself: offline ones, and those of pageables handed out before.</summary>
public sealed class HubApiDisposeTests
{
    /// <summary>
    /// A disposed HubApi names itself in <see cref="ObjectDisposedException"/> (.NET convention, ObjectDisposedException.ThrowIf(…, this)),
    /// not System.Net.Http.HttpClient, an object the caller never created.
    /// </summary>
    [Fact]
    public async Task A_disposed_HubApi_throws_ObjectDisposedException_naming_HubApi()
    {
        await using var f = new HubFixture();
        f.Hub.AddTinyModel(weightsBytes: 10_000);
        var api = new HubApi(f.Hub.CreateOptions(f.CacheDirectory));
        api.Dispose();

        var e = await Assert.ThrowsAsync<ObjectDisposedException>(() => api.DownloadFileAsync(DemoRepos.TinyModel, "config.json"));
        Assert.Equal(typeof(HubApi).FullName, e.ObjectName);
    }

    /// <summary>A disposed HubApi refuses cache-only calls too, rather than answering some calls and not others.</summary>
    [Fact]
    public async Task A_disposed_HubApi_refuses_cache_only_calls_too()
    {
        await using var f = new HubFixture();
        f.Hub.AddTinyModel(weightsBytes: 10_000);
        await f.Api.DownloadFileAsync(DemoRepos.TinyModel, "config.json");
        var api = new HubApi(f.Hub.CreateOptions(f.CacheDirectory));
        api.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() =>
            api.DownloadFileAsync(DemoRepos.TinyModel, "config.json", new DownloadFileOptions { LocalFilesOnly = true }));
    }

    /// <summary>A pageable handed out before Dispose and enumerated after it: its request is a later call too.</summary>
    [Fact]
    public async Task A_pageable_enumerated_after_Dispose_throws_ObjectDisposedException_naming_HubApi()
    {
        await using var f = new HubFixture();
        f.Hub.AddTinyModel(weightsBytes: 10_000);
        var api = new HubApi(f.Hub.CreateOptions(f.CacheDirectory));
        HubPageable<ModelInfo> models = api.ListModelsAsync();
        api.Dispose();

        Exception? e = await Record.ExceptionAsync(async () => await models.ToListAsync());

        Assert.Equal(typeof(HubApi).FullName, Assert.IsType<ObjectDisposedException>(e).ObjectName);
    }
}
