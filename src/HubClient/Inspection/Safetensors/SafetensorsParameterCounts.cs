namespace HubClient;

internal static class SafetensorsParameterCounts
{
    /// <summary>
    /// Sums the tensors' element counts per dtype, in the order the dtypes first appear. A sum beyond a 64-bit count (only a
    /// hostile header has one) is <see cref="HubFileFormatException"/> naming <paramref name="path"/>.
    /// </summary>
    public static IReadOnlyDictionary<string, long> ByDtype(IEnumerable<SafetensorsTensorInfo> tensors, string path)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (SafetensorsTensorInfo tensor in tensors)
        {
            long sum = counts.GetValueOrDefault(tensor.Dtype);
            if (tensor.ParameterCount > long.MaxValue - sum)
            {
                throw new HubFileFormatException($"'{path}' is not a valid safetensors checkpoint: its {tensor.Dtype} tensors hold more elements than a 64-bit count.", path);
            }
            counts[tensor.Dtype] = sum + tensor.ParameterCount;
        }
        return counts;
    }
}
