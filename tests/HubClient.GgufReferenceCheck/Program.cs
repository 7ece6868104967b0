// Serves the generated GGUF samples on a fake hub for the @huggingface/gguf cross-check (.ci/check-gguf-reference.sh).
// Prints the endpoint, then the repository id, then the file names (one line, space-separated), then serves until stdin closes.
using HubClient.Testing;
using HubClient.Tests.Inspection;

const string Repo = "ci/gguf-samples";
await using var hub = FakeHub.Start();
IReadOnlyDictionary<string, byte[]> samples = GgufSamples.All();
hub.AddRepo(Repo).Commit(c =>
{
    foreach ((string name, byte[] content) in samples) c.AddLfs(name, content);
});
Console.WriteLine(hub.Endpoint);
Console.WriteLine(Repo);
Console.WriteLine(string.Join(' ', samples.Keys));
Console.Out.Flush();
await Console.In.ReadToEndAsync();
