namespace HubClient.Tests.Inspection;

/// <summary>
/// GGUF files shaped like real ones: llama, qwen2, gemma and phi3 key sets (as llama.cpp's convert script writes them),
/// every value type, arrays of strings and of arrays, v2 and v3, a vocabulary large enough that the header spans several
/// reads. Shared with the <c>@huggingface/gguf</c> cross-check in CI.
/// </summary>
public static class GgufSamples
{
    public static IReadOnlyDictionary<string, byte[]> All() => new Dictionary<string, byte[]>
    {
        ["llama-3b-Q4_K_M.gguf"] = Llama(version: 3, vocabulary: 200),
        ["llama-v2-F16.gguf"] = Llama(version: 2, vocabulary: 50, fileType: 1),
        ["qwen2-big-vocab-Q8_0.gguf"] = Qwen2(vocabulary: 150_000),
        ["gemma-every-type.gguf"] = EveryType(),
        ["phi3-v2-aligned64.gguf"] = Phi3(),
    };

    public static byte[] Llama(uint version, int vocabulary, uint fileType = 15) =>
        Transformer(new GgufWriter(version), "llama", "Llama 3B", fileType, vocabulary, contextLength: 4096, blocks: 2, GgmlType.Q4_K).Build();

    public static byte[] Qwen2(int vocabulary) =>
        Transformer(new GgufWriter(3), "qwen2", "Qwen2 0.5B Instruct", fileType: 7, vocabulary, contextLength: 32768, blocks: 1, GgmlType.Q8_0)
            .Add("tokenizer.ggml.merges", GgufValueType.Array, new GgufArray(GgufValueType.String, Enumerable.Range(0, 500).Select(i => (object)$"Ġ{i} t{i}").ToArray()))
            .Build();

    public static byte[] Phi3() =>
        Transformer(new GgufWriter(2, alignment: 64), "phi3", "Phi 3 mini", fileType: 0, vocabulary: 32, contextLength: 131072, blocks: 1, GgmlType.F32)
            .Add("general.alignment", GgufValueType.UInt32, 64u)
            .Add("phi3.rope.scaling.attn_factor", GgufValueType.Float32, 1.1902381f)
            .Build();

    /// <summary>Every value type, at its extremes, in scalars, arrays and arrays of arrays.</summary>
    public static byte[] EveryType()
    {
        GgufWriter w = Transformer(new GgufWriter(3), "gemma", "Gemma every type", fileType: 32, vocabulary: 16, contextLength: 8192, blocks: 1, GgmlType.BF16);
        return w
            .Add("test.u8", GgufValueType.UInt8, byte.MaxValue)
            .Add("test.i8", GgufValueType.Int8, sbyte.MinValue)
            .Add("test.u16", GgufValueType.UInt16, ushort.MaxValue)
            .Add("test.i16", GgufValueType.Int16, short.MinValue)
            .Add("test.u32", GgufValueType.UInt32, uint.MaxValue)
            .Add("test.i32", GgufValueType.Int32, int.MinValue)
            .Add("test.f32", GgufValueType.Float32, -0.1f)
            .Add("test.bool_true", GgufValueType.Bool, true)
            .Add("test.bool_false", GgufValueType.Bool, false)
            .Add("test.string_unicode", GgufValueType.String, "héllo ✓ 世界 🙂")
            .Add("test.string_empty", GgufValueType.String, "")
            .Add("test.u64", GgufValueType.UInt64, ulong.MaxValue)
            .Add("test.i64", GgufValueType.Int64, long.MinValue)
            .Add("test.f64", GgufValueType.Float64, Math.PI)
            .Add("test.array_u8", GgufValueType.Array, new GgufArray(GgufValueType.UInt8, [(byte)0, (byte)255]))
            .Add("test.array_i16", GgufValueType.Array, new GgufArray(GgufValueType.Int16, [(short)-1, (short)32767]))
            .Add("test.array_u64", GgufValueType.Array, new GgufArray(GgufValueType.UInt64, [0UL, 9007199254740993UL]))
            .Add("test.array_f64", GgufValueType.Array, new GgufArray(GgufValueType.Float64, [1.5, -2.25e-300]))
            .Add("test.array_bool", GgufValueType.Array, new GgufArray(GgufValueType.Bool, [true, false, true]))
            .Add("test.array_empty", GgufValueType.Array, new GgufArray(GgufValueType.Int32, []))
            .Add("test.array_of_arrays", GgufValueType.Array, new GgufArray(GgufValueType.Array,
            [
                new GgufArray(GgufValueType.String, ["a", "bc"]),
                new GgufArray(GgufValueType.String, []),
            ]))
            .Add("test.array_of_int_arrays", GgufValueType.Array, new GgufArray(GgufValueType.Array,
            [
                new GgufArray(GgufValueType.Int64, [-5L, long.MaxValue]),
            ]))
            .Build();
    }

    private static GgufWriter Transformer(GgufWriter w, string arch, string name, uint fileType, int vocabulary, uint contextLength, int blocks, GgmlType weights)
    {
        const uint embedding = 64;
        w.Add("general.architecture", GgufValueType.String, arch)
            .Add("general.name", GgufValueType.String, name)
            .Add("general.file_type", GgufValueType.UInt32, fileType)
            .Add("general.quantization_version", GgufValueType.UInt32, 2u)
            .Add($"{arch}.context_length", GgufValueType.UInt32, contextLength)
            .Add($"{arch}.embedding_length", GgufValueType.UInt32, embedding)
            .Add($"{arch}.block_count", GgufValueType.UInt32, (uint)blocks)
            .Add($"{arch}.feed_forward_length", GgufValueType.UInt32, embedding * 4)
            .Add($"{arch}.attention.head_count", GgufValueType.UInt32, 8u)
            .Add($"{arch}.attention.head_count_kv", GgufValueType.UInt32, 2u)
            .Add($"{arch}.rope.freq_base", GgufValueType.Float32, 500000f)
            .Add($"{arch}.attention.layer_norm_rms_epsilon", GgufValueType.Float32, 1e-5f)
            .Add("tokenizer.ggml.model", GgufValueType.String, arch == "llama" ? "gpt2" : "llama")
            .Add("tokenizer.ggml.tokens", GgufValueType.Array, new GgufArray(GgufValueType.String, Enumerable.Range(0, vocabulary).Select(i => (object)$"tok_{i}_▁").ToArray()))
            .Add("tokenizer.ggml.scores", GgufValueType.Array, new GgufArray(GgufValueType.Float32, Enumerable.Range(0, vocabulary).Select(i => (object)(-i / 3f)).ToArray()))
            .Add("tokenizer.ggml.token_type", GgufValueType.Array, new GgufArray(GgufValueType.Int32, Enumerable.Range(0, vocabulary).Select(i => (object)(i % 6)).ToArray()))
            .Add("tokenizer.ggml.bos_token_id", GgufValueType.UInt32, 1u)
            .Add("tokenizer.ggml.add_bos_token", GgufValueType.Bool, true)
            .Add("tokenizer.chat_template", GgufValueType.String, "{% for m in messages %}{{ m['content'] }}{% endfor %}");
        w.Tensor("token_embd.weight", [embedding, (ulong)vocabulary], weights, 256);
        for (int b = 0; b < blocks; b++)
        {
            w.Tensor($"blk.{b}.attn_q.weight", [embedding, embedding], weights, 96)
                .Tensor($"blk.{b}.attn_norm.weight", [embedding], GgmlType.F32, (int)embedding * 4)
                .Tensor($"blk.{b}.ffn_up.weight", [embedding, embedding * 4], weights, 128);
        }
        return w.Tensor("output_norm.weight", [embedding], GgmlType.F32, (int)embedding * 4);
    }
}
