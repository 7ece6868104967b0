namespace HubClient.Tests.Docs;

/// <summary>
/// The demo hub of the samples and the README (<see cref="DemoRepos.AddTinyModel"/>): its checkpoint is a real safetensors
/// file, so inspecting the demo works, and it is Xet-backed beside an LFS file and git files, so the demo shows every
/// transport.
/// </summary>
public sealed class DemoRepoTests
{
    [Theory]
    [InlineData(1000)]
    [InlineData(100_000)]
    [InlineData(4 * 1024 * 1024)]
    public async Task The_checkpoint_is_a_valid_safetensors_file_of_exactly_the_size_asked_for(int size)
    {
        await using var f = new HubFixture();
        FakeCommit head = f.Hub.AddTinyModel(weightsBytes: size).Head();

        SafetensorsRepoMetadata meta = await f.Api.GetSafetensorsMetadataAsync(DemoRepos.TinyModel);

        Assert.Equal(size, head.Files["model.safetensors"].Content.Length);
        SafetensorsFileMetadata file = meta.Files["model.safetensors"];
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal([2L, 32L], file.Tensors["classifier.weight"].Shape);
        SafetensorsTensorInfo[] tensors = [.. file.Tensors.Values.OrderBy(t => t.DataStart)];
        Assert.All(tensors, t => Assert.Equal("F32", t.Dtype));
        Assert.All(tensors, t => Assert.Equal(t.ParameterCount * 4, t.DataEnd - t.DataStart));
        // The data is covered exactly, as the safetensors library requires: no gap, no overlap, nothing after the last tensor.
        Assert.Equal(0, tensors[0].DataStart);
        for (int i = 1; i < tensors.Length; i++) Assert.Equal(tensors[i - 1].DataEnd, tensors[i].DataStart);
        Assert.Equal(size, 8 + file.HeaderSize + tensors[^1].DataEnd);
    }

    [Fact]
    public void The_checkpoint_is_xet_backed_the_onnx_graph_in_lfs_the_rest_in_git()
    {
        using var hub = FakeHub.Start();
        FakeCommit head = hub.AddTinyModel(weightsBytes: 10_000).Head();

        Assert.True(head.Files["model.safetensors"].IsXet);
        Assert.True(head.Files["onnx/model.onnx"] is { IsLfs: true, IsXet: false });
        Assert.All(["README.md", "config.json", "tokenizer.json"], path => Assert.False(head.Files[path].IsLfs));
    }

    [Fact]
    public void A_checkpoint_too_small_for_a_header_and_its_tensors_is_refused()
    {
        using var hub = FakeHub.Start();

        Assert.Throws<ArgumentOutOfRangeException>(() => hub.AddTinyModel(weightsBytes: 999));
    }
}
