namespace HubClient;

internal static class RangeChecks
{
    /// <summary>Throws unless <c>[offset, offset + count)</c> lies within a file of <paramref name="length"/> bytes.</summary>
    public static void Validate(long offset, int count, long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (offset > length - count)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"Bytes {offset}..{offset + count} lie beyond the end of the file ({length} bytes).");
        }
    }
}
