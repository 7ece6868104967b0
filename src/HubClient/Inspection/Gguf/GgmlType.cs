namespace HubClient;

/// <summary>
/// The element or quantisation type of a GGUF tensor, as <c>ggml_type</c> numbers it (ggml.h). Values a newer writer adds
/// come through as their number.
/// </summary>
#pragma warning disable CA1707 // Names follow ggml (Q4_K, IQ2_XXS).
public enum GgmlType
{
    /// <summary>32-bit float.</summary>
    F32 = 0,
    /// <summary>16-bit float.</summary>
    F16 = 1,
    /// <summary>4-bit, blocks of 32 with a scale.</summary>
    Q4_0 = 2,
    /// <summary>4-bit, blocks of 32 with scale and minimum.</summary>
    Q4_1 = 3,
    /// <summary>5-bit, blocks of 32 with a scale.</summary>
    Q5_0 = 6,
    /// <summary>5-bit, blocks of 32 with scale and minimum.</summary>
    Q5_1 = 7,
    /// <summary>8-bit, blocks of 32 with a scale.</summary>
    Q8_0 = 8,
    /// <summary>8-bit, blocks of 32 with scale and sum.</summary>
    Q8_1 = 9,
    /// <summary>2-bit k-quant.</summary>
    Q2_K = 10,
    /// <summary>3-bit k-quant.</summary>
    Q3_K = 11,
    /// <summary>4-bit k-quant.</summary>
    Q4_K = 12,
    /// <summary>5-bit k-quant.</summary>
    Q5_K = 13,
    /// <summary>6-bit k-quant.</summary>
    Q6_K = 14,
    /// <summary>8-bit k-quant.</summary>
    Q8_K = 15,
    /// <summary>2.06-bit i-quant.</summary>
    IQ2_XXS = 16,
    /// <summary>2.31-bit i-quant.</summary>
    IQ2_XS = 17,
    /// <summary>3.06-bit i-quant.</summary>
    IQ3_XXS = 18,
    /// <summary>1.56-bit i-quant.</summary>
    IQ1_S = 19,
    /// <summary>4.5-bit non-linear.</summary>
    IQ4_NL = 20,
    /// <summary>3.44-bit i-quant.</summary>
    IQ3_S = 21,
    /// <summary>2.5-bit i-quant.</summary>
    IQ2_S = 22,
    /// <summary>4.25-bit i-quant.</summary>
    IQ4_XS = 23,
    /// <summary>8-bit integer.</summary>
    I8 = 24,
    /// <summary>16-bit integer.</summary>
    I16 = 25,
    /// <summary>32-bit integer.</summary>
    I32 = 26,
    /// <summary>64-bit integer.</summary>
    I64 = 27,
    /// <summary>64-bit float.</summary>
    F64 = 28,
    /// <summary>1.75-bit i-quant.</summary>
    IQ1_M = 29,
    /// <summary>bfloat16.</summary>
    BF16 = 30,
    /// <summary>Ternary, 1.69 bits.</summary>
    TQ1_0 = 34,
    /// <summary>Ternary, 2.06 bits.</summary>
    TQ2_0 = 35,
    /// <summary>4-bit microscaling (MXFP4).</summary>
    MXFP4 = 39,
}
#pragma warning restore CA1707
