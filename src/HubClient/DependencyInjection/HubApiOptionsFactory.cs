using Microsoft.Extensions.Options;

namespace HubClient;

/// <summary>
/// Creates <see cref="HubApiOptions"/> for the options pattern from the <c>HF_*</c> environment
/// (<see cref="HubApiOptions.FromEnvironment"/>) instead of <c>new()</c>: the environment is the base every configuration
/// then adds to, whatever order they were registered in.
/// </summary>
internal sealed class HubApiOptionsFactory(
    IEnumerable<IConfigureOptions<HubApiOptions>> setups,
    IEnumerable<IPostConfigureOptions<HubApiOptions>> postConfigures,
    IEnumerable<IValidateOptions<HubApiOptions>> validations)
    : OptionsFactory<HubApiOptions>(setups, postConfigures, validations)
{
    protected override HubApiOptions CreateInstance(string name) => HubApiOptions.FromEnvironment();
}
