namespace HubClient.Tests.Api;

/// <summary>
/// What a caller holds from a <see cref="HubApi"/> and uses after disposing it: a pageable enumerated later, a stream read
/// later. <see cref="HubApi.Dispose()"/> says later calls throw <see cref="ObjectDisposedException"/> naming HubApi, and a
/// request sent for what was handed out before is a later call too.
/// </summary>
public sealed class HubApiDisposeLaterUseTests
{
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
