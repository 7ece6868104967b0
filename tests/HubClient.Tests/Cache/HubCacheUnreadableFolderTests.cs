using System.Runtime.InteropServices;

namespace HubClient.Tests.Cache;

/// <summary>
/// A cache part of which the scanning user may not read (a group-shared cache where another user's snapshot folder is
/// <c>0700</c>): the scan must say so, and a deletion must not take blobs that the unreadable revision may still use.
/// Root reads everything, so on Linux as root the test drops the file-system identity of its own thread (setfsuid) to
/// <c>nobody</c>, which also drops CAP_DAC_OVERRIDE for that thread.
/// </summary>
public sealed class HubCacheUnreadableFolderTests : IDisposable
{
    private const string Folder = "models--acme--tiny";
    private readonly TempDirectory _temp = new();
    private readonly PythonCacheBuilder _cache;
    private readonly string _main = PythonCacheBuilder.Commit("main");
    private readonly string _pr = PythonCacheBuilder.Commit("pr");
    private readonly string _sharedBlob;
    private readonly string _prSnapshot;

    public HubCacheUnreadableFolderTests()
    {
        _cache = new PythonCacheBuilder(_temp.Combine("hub"));
        byte[] config = Bytes.Random(1_500, 1);
        _sharedBlob = _cache.AddFile(Folder, _main, "config.json", config);
        _cache.AddFile(Folder, _main, "model.bin", Bytes.Random(100_000, 2));
        _cache.AddFile(Folder, _pr, "config.json", config);   // the same blob as main's config.json
        _cache.AddFile(Folder, _pr, "model.bin", Bytes.Random(200_000, 3));
        _cache.SetRef(Folder, "main", _main);
        _cache.SetRef(Folder, "refs/pr/1", _pr);
        _prSnapshot = Path.Combine(_cache.RepoDir(Folder), "snapshots", _pr);
        if (!OperatingSystem.IsWindows())
        {
            foreach (string dir in Directory.GetDirectories(_temp.Path, "*", SearchOption.AllDirectories).Append(_temp.Path))
            {
                if (new DirectoryInfo(dir).LinkTarget is null) File.SetUnixFileMode(dir, (UnixFileMode)Convert.ToInt32("777", 8));
            }
            File.SetUnixFileMode(_prSnapshot, UnixFileMode.None);
        }
    }

    public void Dispose()
    {
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(_prSnapshot, (UnixFileMode)Convert.ToInt32("755", 8));
        _temp.Dispose();
    }

    [Fact]
    public void Scan_warns_about_a_snapshot_folder_it_cannot_read_instead_of_listing_it_as_empty()
    {
        if (!OperatingSystem.IsLinux()) return;

        HubCacheInfo info = AsUnprivileged(() => HubCache.Scan(_cache.CacheDirectory));

        // Today: the revision is listed with 0 files and 0 B, and no warning says why.
        Assert.Contains(info.Warnings, w => w.Path.StartsWith(_prSnapshot, StringComparison.Ordinal));
    }

    [Fact]
    public void Deleting_a_revision_keeps_a_blob_that_an_unreadable_revision_may_still_use()
    {
        if (!OperatingSystem.IsLinux()) return;

        CacheDeletePlan plan = AsUnprivileged(() => HubCache.Scan(_cache.CacheDirectory).DeleteRevisions(_main));

        // Today the plan deletes config.json's blob, which refs/pr/1's snapshot links to: after Execute its link dangles.
        Assert.DoesNotContain(_sharedBlob, plan.Blobs);
    }

    /// <summary>Runs <paramref name="work"/> on a thread whose file-system identity is <c>nobody</c> when the process is root.</summary>
    private static T AsUnprivileged<T>(Func<T> work)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            bool root = Environment.UserName == "root";
            if (root) _ = NativeMethods.setfsuid(65534);
            try
            {
                result = work();
            }
            catch (Exception e)
            {
                failure = e;
            }
            finally
            {
                if (root) _ = NativeMethods.setfsuid(0);
            }
        });
        thread.Start();
        thread.Join();
        if (failure is not null) throw new InvalidOperationException("The unprivileged work failed.", failure);
        return result;
    }

    private static class NativeMethods
    {
#pragma warning disable SYSLIB1054, CA5392, CA1401 // A test-only libc call without marshalling.
        [DllImport("libc", EntryPoint = "setfsuid")]
        public static extern int setfsuid(int fsuid);
#pragma warning restore SYSLIB1054, CA5392, CA1401
    }
}
