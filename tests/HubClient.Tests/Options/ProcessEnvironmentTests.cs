using Microsoft.Extensions.DependencyInjection;

namespace HubClient.Tests.Options;

[CollectionDefinition("Process environment", DisableParallelization = true)]
public sealed class ProcessEnvironmentGroup;

/// <summary>Tests that set HF_* process variables (restored afterwards), run alone.</summary>
[Collection("Process environment")]
public sealed class ProcessEnvironmentTests : IDisposable
{
    private readonly Dictionary<string, string?> _saved = new();
    private readonly TempDirectory _temp = new();

    private void Set(string name, string? value)
    {
        if (!_saved.ContainsKey(name)) _saved[name] = Environment.GetEnvironmentVariable(name);
        Environment.SetEnvironmentVariable(name, value);
    }

    public void Dispose()
    {
        foreach ((string name, string? value) in _saved) Environment.SetEnvironmentVariable(name, value);
        _temp.Dispose();
    }

    [Fact]
    public async Task AddHubApi_honours_HF_HUB_DISABLE_XET_like_FromEnvironment()
    {
        Set("HF_HUB_DISABLE_XET", "1");
        Set("HF_HUB_DISABLE_SYMLINKS", "1");
        Assert.True(HubApiOptions.FromEnvironment().DisableXet);   // FromEnvironment reads it...

        var services = new ServiceCollection();
        services.AddHubApi(o => o.CacheDirectory = _temp.Path);
        await using ServiceProvider provider = services.BuildServiceProvider();
        HubApi api = provider.GetRequiredService<HubApi>();

        Assert.True(api.Options.DisableSymlinks);                  // ...and AddHubApi copies this switch,
        Assert.True(api.Options.DisableXet);                       // but not this one.
    }

    [Fact]
    public async Task A_second_AddHubApi_does_not_undo_the_first_ones_configuration()
    {
        Set("HF_HUB_CACHE", null);
        var services = new ServiceCollection();
        services.AddHubApi(o =>
        {
            o.Endpoint = "http://mirror.example:8080";
            o.CacheDirectory = _temp.Path;
        });
        services.AddHubApi();   // e.g. a library registering the client it needs
        await using ServiceProvider provider = services.BuildServiceProvider();
        HubApi api = provider.GetRequiredService<HubApi>();

        Assert.Equal("http://mirror.example:8080", api.Options.Endpoint);
        Assert.Equal(_temp.Path, api.Options.CacheDirectory);
    }

    [Fact]
    public async Task Options_configured_before_AddHubApi_are_not_overwritten_by_the_environment()
    {
        var services = new ServiceCollection();
        services.Configure<HubApiOptions>(o => o.Endpoint = "http://mirror.example:8080");   // e.g. bound from IConfiguration
        services.AddHubApi(o => o.CacheDirectory = _temp.Path);
        await using ServiceProvider provider = services.BuildServiceProvider();

        Assert.Equal("http://mirror.example:8080", provider.GetRequiredService<HubApi>().Options.Endpoint);
    }

    [Fact]
    public void New_HubApiOptions_reads_only_where_the_cache_is_as_documented()
    {
        // CacheDirectory's doc: huggingface_hub's folder even without FromEnvironment, so Python and .NET share it.
        Set("HF_HUB_CACHE", _temp.Combine("from-env"));
        Set("HF_ENDPOINT", "http://mirror.example:8080");
        Set("HF_HUB_OFFLINE", "1");

        var options = new HubApiOptions();

        Assert.Equal(_temp.Combine("from-env"), options.CacheDirectory);
        Assert.Equal(HubApiOptions.DefaultEndpoint, options.Endpoint);
        Assert.False(options.Offline);
    }
}
