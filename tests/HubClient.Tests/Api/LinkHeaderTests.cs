namespace HubClient.Tests.Api;

public sealed class LinkHeaderTests
{
    [Theory]
    [InlineData("<https://hub/api/models?cursor=abc>; rel=\"next\"", "https://hub/api/models?cursor=abc")]
    [InlineData("<https://hub/p1>; rel=\"prev\", <https://hub/p3>; rel=\"next\"", "https://hub/p3")]
    [InlineData("<https://hub/p3>; rel=next", "https://hub/p3")]
    [InlineData("<https://hub/p3>; title=\"a, b\"; rel=\"last next\"", "https://hub/p3")]
    [InlineData("< /api/models?cursor=x >; REL=\"Next\"", "/api/models?cursor=x")]
    [InlineData("<https://hub/a,b>; rel=\"next\"", "https://hub/a,b")]
    public void Next_target_is_found(string header, string expected) => Assert.Equal(expected, LinkHeader.FindNext(header));

    [Theory]
    [InlineData("")]
    [InlineData("<https://hub/p1>; rel=\"prev\"")]
    [InlineData("<https://hub/p1>; rel=\"nextish\"")]
    [InlineData("<https://hub/p1")]
    [InlineData("https://hub/p1; rel=\"next\"")]
    public void No_next_target_gives_null(string header) => Assert.Null(LinkHeader.FindNext(header));
}
