namespace HubClient.Xet;

/// <summary>A CAS read token from the hub: the bearer token, its CAS base URL and when it expires.</summary>
internal sealed record XetReadToken(string AccessToken, Uri CasUrl, DateTimeOffset ExpiresAt);
