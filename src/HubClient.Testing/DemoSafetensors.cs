using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace HubClient.Testing;

/// <summary>
/// The demo model's weights: a valid safetensors file of exactly the size asked for, so that inspecting the demo works like
/// inspecting a real checkpoint. Two F32 tensors shaped by the demo's config (hidden size 32, two labels): a classifier and
/// an embedding matrix with as many rows as fit, deterministic values.
/// </summary>
internal static class DemoSafetensors
{
    private const int Hidden = 32;
    private const int Labels = 2;
    private const int RowBytes = Hidden * sizeof(float);
    private const int ClassifierBytes = Labels * RowBytes;

    /// <summary>A round size that holds the header, the classifier and a few embedding rows.</summary>
    public const int MinimumSize = 1000;

    public static byte[] Create(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, MinimumSize);
        // The header names the row count, so its length grows with it: sized for the most rows that could fit, it is
        // long enough for the rows that do; the difference is padded with spaces, as the format allows.
        int maxRows = (size - 8 - ClassifierBytes) / RowBytes;
        int rows = (size - 8 - ClassifierBytes - Header(maxRows).Length) / RowBytes;
        int dataBytes = ClassifierBytes + (rows * RowBytes);
        int headerBytes = size - 8 - dataBytes;
        string header = Header(rows).PadRight(headerBytes, ' ');

        var file = new byte[size];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)headerBytes);
        Encoding.UTF8.GetBytes(header, file.AsSpan(8));
        var random = new Random(20240101);
        for (int offset = 8 + headerBytes; offset < size; offset += sizeof(float))
        {
            BinaryPrimitives.WriteSingleLittleEndian(file.AsSpan(offset), (random.NextSingle() - 0.5f) / 8);
        }
        return file;
    }

    private static string Header(int rows) => string.Create(CultureInfo.InvariantCulture,
        $$$"""{"__metadata__":{"format":"pt"},"classifier.weight":{"dtype":"F32","shape":[{{{Labels}}},{{{Hidden}}}],"data_offsets":[0,{{{ClassifierBytes}}}]},"embeddings.weight":{"dtype":"F32","shape":[{{{rows}}},{{{Hidden}}}],"data_offsets":[{{{ClassifierBytes}}},{{{ClassifierBytes + (rows * RowBytes)}}}]}}""");
}
