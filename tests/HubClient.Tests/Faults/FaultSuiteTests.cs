using HubClient.Tests.Diagnostics;

namespace HubClient.Tests.Faults;

/// <summary>
/// Every download path through every fault of <see cref="FaultCases"/>, with a token set. For each: the call succeeds with
/// a verified file or throws exactly the documented exception; the cache never holds an unverified blob nor a snapshot
/// entry leading to one; the token never leaves the endpoint's host nor appears in an exception; and once the fault is
/// gone the next call succeeds from whatever the failed one left behind. A successful call leaves no partial download.
/// </summary>
public sealed class FaultSuiteTests
{
    public static TheoryData<string, string> Rows()
    {
        var rows = new TheoryData<string, string>();
        foreach (DownloadPath path in DownloadPath.All)
        {
            foreach (FaultCase fault in FaultCases.All.Where(c => c.AppliesTo(path))) rows.Add(path.Name, fault.Name);
        }
        return rows;
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Download_under_fault_succeeds_verified_or_throws_the_documented_exception(string pathName, string faultName)
    {
        DownloadPath path = DownloadPath.All.Single(p => p.Name == pathName);
        FaultCase fault = FaultCases.All.Single(c => c.Name == faultName);
        var recording = new RecordingTimeProvider();
        var clock = new StallClock(recording);
        await using var f = new HubFixture(o => o.TimeProvider = clock);
        using HubApi api = f.NewClient(o =>
        {
            o.Token = f.Hub.ValidToken;
            o.DownloadTimeout = StallClock.IdleTimeout;
            o.TimeProvider = clock;
            path.Configure(o);
        });
        FakeCommit commit = f.Hub.AddRepo(FaultCases.Repo).Commit(c =>
        {
            c.Add(FaultCases.Git, FaultCases.GitContent);
            if (path.IsXet) c.AddXet(FaultCases.Lfs, FaultCases.LfsContent);
            else c.AddLfs(FaultCases.Lfs, FaultCases.LfsContent);
        });
        FakeFile file = commit.Files[fault.File];
        string repoDir = f.RepoDir("models--" + (fault.RepoId ?? FaultCases.Repo).Replace("/", "--", StringComparison.Ordinal));
        using var metrics = new MetricCapture();
        var context = new FaultContext { Path = path, Hub = f.Hub, CacheDirectory = f.CacheDirectory, RepoDir = repoDir, Clock = recording, File = file, Metrics = metrics };
        fault.Arrange(context);
        FaultRule[] rules = [.. context.Rules];

        string? result = null;
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            result = await clock.RunAsync(f.Hub, path.Download(api, fault.RepoId ?? FaultCases.Repo, fault.File));
        }
#pragma warning disable CA1031 // The row says which exception, if any, is right.
        catch (Exception e)
#pragma warning restore CA1031
        {
            context.Error = e;
        }
        context.Elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);

        if (fault.Throws is null)
        {
            Assert.True(context.Error is null, $"Expected success, got {context.Error}");
            Assert.Equal(file.Content, await File.ReadAllBytesAsync(result!));
            CacheInvariants.AssertNoIncomplete(context.CacheDirectory);
            if (context.LocalDownloadFolder is { } local) CacheInvariants.AssertNoIncomplete(local);
        }
        else
        {
            Assert.True(context.Error?.GetType() == fault.Throws, $"Expected {fault.Throws.Name}, got {context.Error?.ToString() ?? "success"}");
        }
        Assert.All(rules, rule => Assert.True(rule.Hits > 0, $"The fault '{rule.Fault}' never fired: the row tested nothing."));
        if (context.Error is HubIntegrityException or HubFileChangedException) AssertBadBytesDiscarded(context);
        fault.Check?.Invoke(context);
        AssertCacheHoldsOnlyVerifiedData(context, commit);
        AssertTokenStayedHome(f, context.Error);

        if (context.Error is not null)
        {
            f.Hub.ClearFaults();
            string again = await path.Download(api, fault.RepoId ?? FaultCases.Repo, fault.File);
            Assert.Equal(file.Content, await File.ReadAllBytesAsync(again));
            AssertCacheHoldsOnlyVerifiedData(context, commit);
            CacheInvariants.AssertNoIncomplete(context.CacheDirectory);
            if (context.LocalDownloadFolder is { } local) CacheInvariants.AssertNoIncomplete(local);
        }
    }

    private static void AssertCacheHoldsOnlyVerifiedData(FaultContext context, FakeCommit commit)
    {
        CacheInvariants.AssertNoUnverifiedBlob(context.CacheDirectory);
        CacheInvariants.AssertSnapshotsVerified(context.CacheDirectory);
        // Every snapshot entry, a symlink or (copy mode) a regular file, holds the hub's bytes of that file.
        string snapshots = Path.Combine(context.RepoDir, "snapshots");
        foreach (string entry in Directory.Exists(snapshots) ? Directory.GetFiles(snapshots, "*", SearchOption.AllDirectories) : [])
        {
            string[] parts = Path.GetRelativePath(snapshots, entry).Split(Path.DirectorySeparatorChar);
            Assert.Equal(commit.Sha, parts[0]);
            Assert.True(commit.Files.TryGetValue(string.Join('/', parts[1..]), out FakeFile? file), $"Unexpected snapshot entry '{entry}'.");
            Assert.True(file.Content.AsSpan().SequenceEqual(File.ReadAllBytes(entry)), $"Snapshot entry '{entry}' does not hold the hub's bytes.");
        }
        // In a local folder, a file that appeared holds the hub's bytes too (it is published only once verified).
        if (context.Path.IsLocalDirectory)
        {
            string local = Path.Combine([DownloadPath.LocalDirectoryFor(context.CacheDirectory), .. context.File.Path.Split('/')]);
            if (File.Exists(local)) Assert.True(context.File.Content.AsSpan().SequenceEqual(File.ReadAllBytes(local)), $"'{local}' does not hold the hub's bytes.");
        }
    }

    /// <summary>
    /// Bytes that failed their hash, or came from another version of the file, are deleted (as both exceptions promise): no
    /// partial of the file keeps any, for the next call to build on.
    /// </summary>
    private static void AssertBadBytesDiscarded(FaultContext context)
    {
        string blobs = Path.Combine(context.RepoDir, "blobs");
        string[] partials = Directory.Exists(blobs) ? Directory.GetFiles(blobs, context.File.Etag + ".*incomplete") : [];
        if (context.LocalDownloadFolder is { } local && Directory.Exists(local))
        {
            partials = [.. partials, .. Directory.GetFiles(local, "*." + context.File.Etag + ".*incomplete", SearchOption.AllDirectories),
                .. Directory.GetFiles(local, "*." + context.File.Etag + ".incomplete", SearchOption.AllDirectories)];
        }
        Assert.All(partials, p => Assert.True(new FileInfo(p).Length == 0, $"'{Path.GetFileName(p)}' kept {new FileInfo(p).Length} bytes after {context.Error!.GetType().Name}."));
    }

    /// <summary>
    /// The hub token goes only to the hub's host, the Xet token (the fake's are <c>xet_…</c>) only to the CAS's
    /// reconstructions, and nothing else (the CDN, signed xorb URLs) gets any.
    /// </summary>
    private static void AssertTokenStayedHome(HubFixture f, Exception? error)
    {
        string endpointHost = new Uri(f.Hub.Endpoint).Authority;
        Assert.All(f.Hub.Requests.Where(r => r.Host != endpointHost && !r.IsCas), r => Assert.Null(r.Authorization));
        Assert.All(f.Hub.Requests.Where(r => r.IsCas), r => Assert.StartsWith("Bearer xet_", r.Authorization, StringComparison.Ordinal));
        Assert.All(f.Hub.Requests.Where(r => r.Host == endpointHost), r => Assert.Equal("Bearer " + f.Hub.ValidToken, r.Authorization));
        if (error is not null)
        {
            Assert.DoesNotContain(f.Hub.ValidToken, error.ToString(), StringComparison.Ordinal);
            if (error is HubException { RequestUri: { } uri }) Assert.DoesNotContain(f.Hub.ValidToken, uri.ToString(), StringComparison.Ordinal);
        }
    }
}
