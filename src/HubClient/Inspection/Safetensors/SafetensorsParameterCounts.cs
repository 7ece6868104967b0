namespace HubClient;

internal static class SafetensorsParameterCounts
{
    /// <summary>Sums the tensors' element counts per dtype, in the order the dtypes first appear.</summary>
    public static IReadOnlyDictionary<string, long> ByDtype(IEnumerable<SafetensorsTensorInfo> tensors)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (SafetensorsTensorInfo tensor in tensors)
        {
            counts[tensor.Dtype] = checked(counts.GetValueOrDefault(tensor.Dtype) + tensor.ParameterCount);
        }
        return counts;
    }
}
