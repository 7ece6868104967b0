using System.Runtime.InteropServices;

namespace HubClient;

/// <summary>
/// A second name for an existing file (POSIX <c>link(2)</c>, Win32 <c>CreateHardLinkW</c>), which .NET has no API for.
/// Used where a file must appear under a new name while its old name still holds it, with no moment where neither does.
/// </summary>
internal static partial class HardLink
{
    /// <summary>
    /// Creates <paramref name="newPath"/> (which must not exist) as another name of <paramref name="existingPath"/>; false
    /// where the platform or file system has no hard links, or the call fails for any other reason.
    /// </summary>
    public static bool TryCreate(string existingPath, string newPath)
    {
        try
        {
            return OperatingSystem.IsWindows()
                ? CreateHardLink(newPath, existingPath, IntPtr.Zero)
                : Link(existingPath, newPath) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Link(string existingPath, string newPath);

    [LibraryImport("kernel32.dll", EntryPoint = "CreateHardLinkW", StringMarshalling = StringMarshalling.Utf16, SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool CreateHardLink(string newPath, string existingPath, IntPtr securityAttributes);
}
