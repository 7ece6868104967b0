namespace HubClient.Tests.Options;

public sealed class HubApiOptionsEnvironmentTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static HubApiOptions Read(Dictionary<string, string> env) =>
        HubEnvironment.Read(name => env.TryGetValue(name, out string? value) ? value : null);

    [Fact]
    public void Defaults_match_huggingface_hub()
    {
        HubApiOptions o = Read(new() { ["HOME_IGNORED"] = "x" });
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

        Assert.Equal("https://huggingface.co", o.Endpoint);
        Assert.Equal(Path.Combine(home, ".cache", "huggingface", "hub"), o.CacheDirectory);
        Assert.False(o.Offline);
        Assert.False(o.DisableSymlinks);
        Assert.Equal(TimeSpan.FromSeconds(10), o.MetadataTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), o.DownloadTimeout);
        Assert.Equal(5, o.Retry.MaxRetries);
    }

    [Fact]
    public void Cache_directory_precedence_is_HF_HUB_CACHE_then_HF_HOME_then_XDG_CACHE_HOME()
    {
        Assert.Equal("/x/cache/huggingface/hub", Read(new() { ["XDG_CACHE_HOME"] = "/x/cache" }).CacheDirectory);
        Assert.Equal("/h/hub", Read(new() { ["XDG_CACHE_HOME"] = "/x/cache", ["HF_HOME"] = "/h" }).CacheDirectory);
        Assert.Equal("/c", Read(new() { ["XDG_CACHE_HOME"] = "/x", ["HF_HOME"] = "/h", ["HF_HUB_CACHE"] = "/c" }).CacheDirectory);
    }

    [Fact]
    public void Endpoint_trailing_slash_is_trimmed()
    {
        Assert.Equal("http://mirror.local:8080", Read(new() { ["HF_ENDPOINT"] = "http://mirror.local:8080/" }).Endpoint);
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("ON", true)]
    [InlineData("yes", true)]
    [InlineData("True", true)]
    [InlineData("0", false)]
    [InlineData("no", false)]
    [InlineData("", false)]
    public void Offline_and_symlink_switches_accept_huggingface_hub_true_values(string value, bool expected)
    {
        HubApiOptions o = Read(new() { ["HF_HUB_OFFLINE"] = value, ["HF_HUB_DISABLE_SYMLINKS"] = value });
        Assert.Equal(expected, o.Offline);
        Assert.Equal(expected, o.DisableSymlinks);
    }

    [Fact]
    public void Token_comes_from_HF_TOKEN_before_the_token_file()
    {
        string home = _temp.Combine("hf");
        Directory.CreateDirectory(home);
        File.WriteAllText(Path.Combine(home, "token"), "hf_from_file\n");

        Assert.Equal("hf_from_file", Read(new() { ["HF_HOME"] = home }).Token);
        Assert.Equal("hf_from_env", Read(new() { ["HF_HOME"] = home, ["HF_TOKEN"] = " hf_from_env " }).Token);
    }

    [Fact]
    public void Token_file_path_can_be_set_and_implicit_token_disabled()
    {
        string tokenPath = _temp.Combine("elsewhere-token");
        File.WriteAllText(tokenPath, "hf_elsewhere");

        Assert.Equal("hf_elsewhere", Read(new() { ["HF_TOKEN_PATH"] = tokenPath }).Token);
        Assert.Null(Read(new() { ["HF_TOKEN_PATH"] = tokenPath, ["HF_HUB_DISABLE_IMPLICIT_TOKEN"] = "1" }).Token);
        Assert.Null(Read(new() { ["HF_TOKEN_PATH"] = _temp.Combine("missing") }).Token);
    }

    [Fact]
    public void Timeouts_are_read_in_seconds_and_bad_values_are_refused()
    {
        HubApiOptions o = Read(new() { ["HF_HUB_ETAG_TIMEOUT"] = "3", ["HF_HUB_DOWNLOAD_TIMEOUT"] = "42" });
        Assert.Equal(TimeSpan.FromSeconds(3), o.MetadataTimeout);
        Assert.Equal(TimeSpan.FromSeconds(42), o.DownloadTimeout);
        Assert.Throws<ArgumentException>(() => Read(new() { ["HF_HUB_ETAG_TIMEOUT"] = "soon" }));
    }

    [Fact]
    public void Home_and_variables_in_paths_are_expanded()
    {
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        Assert.Equal(Path.Combine(home, "models"), Read(new() { ["HF_HUB_CACHE"] = "~/models" }).CacheDirectory);
        Environment.SetEnvironmentVariable("HUBCLIENT_TEST_ROOT", "/data");
        Assert.Equal("/data/hub", Read(new() { ["HF_HUB_CACHE"] = "$HUBCLIENT_TEST_ROOT/hub" }).CacheDirectory);
    }

    /// <summary>
    /// <c>~user</c> is expanded as Python's os.path.expanduser does (HF_HOME=~root/hf gives /root/hf/hub there); an
    /// unknown user stays as written.
    /// </summary>
    [UnixFact]
    public void Another_users_home_in_paths_is_expanded_like_expanduser()
    {
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        Assert.Equal(Path.Combine(home, "hf", "hub"), Read(new() { ["HF_HOME"] = $"~{Environment.UserName}/hf" }).CacheDirectory);
        string? rootHome = File.ReadLines("/etc/passwd").Select(l => l.Split(':')).FirstOrDefault(f => f.Length >= 7 && f[0] == "root")?[5];
        if (rootHome is not null) Assert.Equal(rootHome.TrimEnd('/') + "/models", Read(new() { ["HF_HUB_CACHE"] = "~root/models" }).CacheDirectory);
        Assert.Equal("~no-such-user-9f3/models", Read(new() { ["HF_HUB_CACHE"] = "~no-such-user-9f3/models" }).CacheDirectory);
    }
}
