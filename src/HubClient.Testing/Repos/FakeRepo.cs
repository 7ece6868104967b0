using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace HubClient.Testing;

/// <summary>A repository served by a <see cref="FakeHub"/>: commits, branches and tags, and access rules.</summary>
public sealed class FakeRepo
{
    private readonly ConcurrentDictionary<string, FakeCommit> _commits = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _branches = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _tags = new(StringComparer.Ordinal);
    private readonly Lock _commitLock = new();
    private int _commitCount;

    internal FakeRepo(string id, RepoType type)
    {
        Id = id;
        Type = type;
    }

    /// <summary>The repo id, <c>namespace/name</c>.</summary>
    public string Id { get; }

    /// <summary>The repository type.</summary>
    public RepoType Type { get; }

    /// <summary>
    /// Gated: every request without the hub's <see cref="FakeHub.ValidToken"/> gets 401 <c>GatedRepo</c>, as the real hub
    /// answers an anonymous user (HubClient: <c>GatedRepositoryException</c>). There is one valid token, so the real hub's
    /// 403 to a user who has not accepted the terms is not modelled.
    /// </summary>
    public bool Gated { get; set; }

    /// <summary>Private: every request without the hub's <see cref="FakeHub.ValidToken"/> gets 401 <c>RepoNotFound</c>.</summary>
    public bool Private { get; set; }

    /// <summary>Disabled: every request gets 403 "Access to this resource is disabled.".</summary>
    public bool Disabled { get; set; }

    /// <summary>Downloads counter reported in listings.</summary>
    public long Downloads { get; set; }

    /// <summary>Likes counter reported in listings.</summary>
    public long Likes { get; set; }

    /// <summary>Tags reported in listings and repo info.</summary>
    public IList<string> RepoTags { get; } = [];

    /// <summary>The task reported as <c>pipeline_tag</c> (models).</summary>
    public string? PipelineTag { get; set; }

    /// <summary>The library reported as <c>library_name</c> (models).</summary>
    public string? LibraryName { get; set; }

    /// <summary>When the repository was created.</summary>
    public DateTimeOffset CreatedAt { get; set; } = new(2023, 6, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The trending score reported in listings.</summary>
    public long TrendingScore { get; set; }

    /// <summary>
    /// More fields reported in repo info and full listings (<c>cardData</c>, <c>safetensors</c>, fields a client does
    /// not know), or replacing a standard one of the same name.
    /// </summary>
    public IDictionary<string, System.Text.Json.Nodes.JsonNode?> InfoFields { get; } = new Dictionary<string, System.Text.Json.Nodes.JsonNode?>(StringComparer.Ordinal);

    /// <summary>The branches and the commits they point at.</summary>
    public IReadOnlyDictionary<string, string> Branches => _branches;

    /// <summary>The tags and the commits they point at.</summary>
    public IReadOnlyDictionary<string, string> Tags => _tags;

    /// <summary>
    /// Makes a commit on <paramref name="branch"/> whose files are the branch's current files changed by
    /// <paramref name="change"/>, and moves the branch to it. A new branch starts from <c>main</c>'s head, as the hub's
    /// <c>create_branch</c> and pull requests do (from nothing when there is no <c>main</c>); to start it elsewhere, point it
    /// at a commit first (<see cref="SetBranch"/>).
    /// </summary>
    public FakeCommit Commit(Action<FakeCommitBuilder> change, string branch = "main", string? title = null)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_commitLock)
        {
            FakeCommit? parent = _branches.TryGetValue(branch, out string? head) || _branches.TryGetValue("main", out head) ? _commits[head] : null;
            var builder = new FakeCommitBuilder(parent?.Files);
            change(builder);
            int number = ++_commitCount;
            string sha = CommitSha(number, builder.Files.Values);
            var commit = new FakeCommit(sha, title ?? $"Commit {number}", new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddHours(number),
                builder.Files, parent);
            _commits[sha] = commit;
            _branches[branch] = sha;
            return commit;
        }
    }

    /// <summary>Points a branch at a commit.</summary>
    public void SetBranch(string name, string commitSha) => _branches[name] = Known(commitSha);

    /// <summary>Points a tag at a commit.</summary>
    public void SetTag(string name, string commitSha) => _tags[name] = Known(commitSha);

    /// <summary>Removes a branch.</summary>
    public void DeleteBranch(string name) => _branches.TryRemove(name, out _);

    /// <summary>The commit a branch, tag or commit id names, or null.</summary>
    public FakeCommit? Resolve(string revision)
    {
        ArgumentNullException.ThrowIfNull(revision);
        if (_commits.TryGetValue(revision, out FakeCommit? commit)) return commit;
        if (_branches.TryGetValue(revision, out string? sha) || _tags.TryGetValue(revision, out sha)) return _commits[sha];
        return null;
    }

    /// <summary>The commit at the head of <paramref name="branch"/>.</summary>
    public FakeCommit Head(string branch = "main") =>
        Resolve(branch) ?? throw new InvalidOperationException($"{Id} has no branch '{branch}'.");

    internal IEnumerable<FakeCommit> AllCommits => _commits.Values;

    private string Known(string sha) =>
        _commits.ContainsKey(sha) ? sha : throw new ArgumentException($"{Id} has no commit {sha}.", nameof(sha));

    private string CommitSha(int number, IEnumerable<FakeFile> files)
    {
        var text = new StringBuilder().Append(Type).Append(Id).Append(number.ToString(CultureInfo.InvariantCulture));
        foreach (FakeFile file in files.OrderBy(f => f.Path, StringComparer.Ordinal)) text.Append(file.Path).Append(file.Etag);
#pragma warning disable CA5350 // Commit ids are git-style SHA-1 names, not a security boundary.
        return Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(text.ToString())));
#pragma warning restore CA5350
    }
}
