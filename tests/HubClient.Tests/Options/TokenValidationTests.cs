namespace HubClient.Tests.Options;

/// <summary>
/// A token that cannot go in an Authorization header (a line break from a CRLF token file, a non-ASCII character) is a
/// setting error when the client is built, never a transient "hub unreachable" at the first request.
/// </summary>
public sealed class TokenValidationTests
{
    // README: `new HubApi(options)` "validates every setting (ArgumentException naming it)". Before: a token with a CR/LF
    // (a secret file, `$(cat token.txt)` of a CRLF file) was accepted, then every request failed with a FormatException,
    // and a non-ASCII one was reported as a transient "hub could not be reached".
    [Theory]
    [InlineData("hf_abc\r\n")]
    [InlineData("hf_abc\u200b")]
    [InlineData("hf abc")]
    public void A_token_that_cannot_be_sent_is_refused_when_the_client_is_built(string token)
    {
        using var temp = new TempDirectory();
        var options = new HubApiOptions { CacheDirectory = temp.Path, Token = token };

        var e = Assert.Throws<ArgumentException>(() => new HubApi(options).Dispose());
        Assert.Contains("Token", e.Message, StringComparison.Ordinal);
    }
}
