namespace HubClient.Tests.Inspection;

/// <summary>The README's "Look before you download" example, verbatim against the fake hub.</summary>
public sealed class LookBeforeYouDownloadExampleTests
{
    [Fact]
    public async Task Readme_example_runs()
    {
        await using var f = new HubFixture();
        f.Hub.AddRepo("acme/llm").Commit(c => c
            .AddLfs("model.safetensors", new SafetensorsWriter().Tensor("w", "BF16", 4, 4).Build(extraData: 16))
            .Add("config.json", "{}"));
        f.Hub.AddRepo("acme/llm-gguf").Commit(c => c.AddLfs("llm-Q4_K_M.gguf", GgufSamples.Llama(3, 10)));
        HubApi api = f.Api;
        var output = new StringWriter();
        TextWriter console = Console.Out;
        Console.SetOut(output);
        try
        {
            // A seekable read-only stream: Length from the HEAD, reads served by Range requests through a read-ahead buffer.
            await using Stream stream = await api.OpenReadAsync("acme/llm", "model.safetensors");
            stream.Position = stream.Length - 16;

            // huggingface_hub's get_safetensors_metadata: single file or sharded, per file one range of the header.
            SafetensorsRepoMetadata st = await api.GetSafetensorsMetadataAsync("acme/llm");
            Console.WriteLine($"{st.Files.Count} file(s), {st.ParameterCount["BF16"]:N0} BF16 parameters");

            // GGUF v2/v3 header: every key/value typed, tensor infos, and the usual questions answered.
            GgufMetadata gguf = await api.GetGgufMetadataAsync("acme/llm-gguf", "llm-Q4_K_M.gguf");
            Console.WriteLine($"{gguf.Architecture} {gguf.Quantization}, context {gguf.ContextLength}, {gguf.Tensors.Count} tensors");

            // hf download --dry-run: the files, their sizes, which are cached, the bytes a download would fetch.
            SnapshotDownloadPlan plan = await api.PlanSnapshotDownloadAsync("acme/llm", new SnapshotDownloadOptions { AllowPatterns = ["*.safetensors"] });
            Console.WriteLine($"{plan.FilesToDownload} files, {plan.BytesToDownload} bytes to fetch");
        }
        finally
        {
            Console.SetOut(console);
        }

        string[] lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("1 file(s), 16 BF16 parameters", lines[0]);
        Assert.Equal("llama Q4_K_M, context 4096, 8 tensors", lines[1]);
        Assert.StartsWith("1 files, ", lines[2], StringComparison.Ordinal);
    }
}
