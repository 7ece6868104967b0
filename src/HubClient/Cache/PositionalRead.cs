using Microsoft.Win32.SafeHandles;

namespace HubClient;

/// <summary>Positional reads of a whole range (no shared file position).</summary>
internal static class PositionalRead
{
    /// <summary>Fills <paramref name="buffer"/> from <paramref name="offset"/>; false when the file ends first or cannot be read.</summary>
    public static async Task<bool> TryReadExactlyAsync(SafeFileHandle file, Memory<byte> buffer, long offset, CancellationToken cancellationToken)
    {
        try
        {
            for (int read = 0; read < buffer.Length;)
            {
                int n = await RandomAccess.ReadAsync(file, buffer[read..], offset + read, cancellationToken).ConfigureAwait(false);
                if (n == 0) return false;
                read += n;
            }
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
