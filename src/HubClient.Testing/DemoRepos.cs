using System.Text;

namespace HubClient.Testing;

/// <summary>Ready-made repositories for demos and samples.</summary>
public static class DemoRepos
{
    /// <summary>The id of the demo model added by <see cref="AddTinyModel"/>.</summary>
    public const string TinyModel = "demo/tiny-model";

    /// <summary>
    /// Adds <see cref="TinyModel"/>: a config, a tokenizer, a README, an ONNX graph in LFS and a Xet-backed safetensors
    /// checkpoint of exactly <paramref name="weightsBytes"/> bytes (a valid header and two F32 tensors, deterministic
    /// content). Two commits: tag <c>v1.0</c>, then <c>main</c> with a changed config.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="weightsBytes"/> is under 1,000: too small for a checkpoint.</exception>
    public static FakeRepo AddTinyModel(this FakeHub hub, int weightsBytes = 4 * 1024 * 1024)
    {
        ArgumentNullException.ThrowIfNull(hub);
        byte[] weights = DemoSafetensors.Create(weightsBytes);
        var onnx = new byte[64 * 1024];
        new Random(7).NextBytes(onnx);
        FakeRepo repo = hub.AddRepo(TinyModel);
        repo.Downloads = 1234;
        repo.Likes = 56;
        repo.RepoTags.Add("onnx");
        repo.RepoTags.Add("text-classification");
        FakeCommit commit = repo.Commit(c => c
            .Add("README.md", "# tiny-model\nA demo model served by HubClient's embedded hub.\n")
            .Add("config.json", "{\n  \"model_type\": \"bert\",\n  \"hidden_size\": 32,\n  \"num_labels\": 2\n}\n")
            .Add("tokenizer.json", Encoding.UTF8.GetString(Tokenizer()))
            .AddLfs("onnx/model.onnx", onnx)
            .AddXet("model.safetensors", weights), title: "Upload tiny-model");
        repo.SetTag("v1.0", commit.Sha);
        repo.Commit(c => c.Add("config.json", "{\n  \"model_type\": \"bert\",\n  \"hidden_size\": 32,\n  \"num_labels\": 3\n}\n"),
            title: "Three labels");
        return repo;
    }

    private static byte[] Tokenizer()
    {
        var json = new StringBuilder("{\n  \"version\": \"1.0\",\n  \"model\": {\"type\": \"WordPiece\", \"vocab\": {");
        string[] words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "hello", "world", "hub", "client", "model", "tiny"];
        for (int i = 0; i < words.Length; i++) json.Append(i == 0 ? "" : ", ").Append('"').Append(words[i]).Append("\": ").Append(i);
        json.Append("}}\n}\n");
        return Encoding.UTF8.GetBytes(json.ToString());
    }
}
