using System.Text;

namespace HubClient.Testing;

/// <summary>Stages the changes of one commit: files added, replaced or removed relative to the branch's previous commit.</summary>
public sealed class FakeCommitBuilder
{
    internal FakeCommitBuilder(IReadOnlyDictionary<string, FakeFile>? start)
    {
        Files = start is null ? new(StringComparer.Ordinal) : new(start, StringComparer.Ordinal);
    }

    internal Dictionary<string, FakeFile> Files { get; }

    /// <summary>Adds (or replaces) a regular git file.</summary>
    public FakeCommitBuilder Add(string path, byte[] content) => Put(path, content, isLfs: false);

    /// <summary>Adds (or replaces) a regular git file with UTF-8 text.</summary>
    public FakeCommitBuilder Add(string path, string text) => Put(path, Encoding.UTF8.GetBytes(text), isLfs: false);

    /// <summary>Adds (or replaces) an LFS file, served through a CDN redirect and named by its SHA-256.</summary>
    public FakeCommitBuilder AddLfs(string path, byte[] content) => Put(path, content, isLfs: true);

    /// <summary>
    /// Adds (or replaces) a Xet-backed file: an LFS file whose resolve answer also carries <c>X-Xet-Hash</c> and the
    /// <c>xet-auth</c>/<c>xet-reconstruction-info</c> links, served from the fake CAS (content-defined chunks in xorbs)
    /// as well as through the plain-HTTP bridge.
    /// </summary>
    public FakeCommitBuilder AddXet(string path, byte[] content)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(content);
        Files[path] = new FakeFile(path, content, isLfs: true, isXet: true);
        return this;
    }

    /// <summary>Removes a file.</summary>
    public FakeCommitBuilder Remove(string path)
    {
        Files.Remove(path);
        return this;
    }

    private FakeCommitBuilder Put(string path, byte[] content, bool isLfs)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(content);
        Files[path] = new FakeFile(path, content, isLfs);
        return this;
    }
}
