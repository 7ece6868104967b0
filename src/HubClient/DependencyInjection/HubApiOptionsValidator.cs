using Microsoft.Extensions.Options;

namespace HubClient;

/// <summary>
/// Runs <see cref="HubApiOptions"/>' own checks (the ones <c>new HubApi(options)</c> runs) for the options pattern, so
/// that <c>ValidateOnStart</c> refuses bad settings when the host starts, with the same messages.
/// </summary>
internal sealed class HubApiOptionsValidator : IValidateOptions<HubApiOptions>
{
    public ValidateOptionsResult Validate(string? name, HubApiOptions options)
    {
        try
        {
            options.ValidateAndFreeze();
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException e)
        {
            return ValidateOptionsResult.Fail(e.Message);
        }
    }
}
