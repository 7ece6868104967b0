namespace HubClient.Testing;

/// <summary>An immutable commit of a fake repository: a 40-hex id and the files it holds.</summary>
public sealed class FakeCommit
{
    internal FakeCommit(string sha, string title, DateTimeOffset date, IReadOnlyDictionary<string, FakeFile> files, FakeCommit? parent)
    {
        Sha = sha;
        Title = title;
        Date = date;
        Files = files;
        Parent = parent;
    }

    /// <summary>The commit id (40 lowercase hex).</summary>
    public string Sha { get; }

    /// <summary>The commit title.</summary>
    public string Title { get; }

    /// <summary>The commit date.</summary>
    public DateTimeOffset Date { get; }

    /// <summary>The files at this commit, by path.</summary>
    public IReadOnlyDictionary<string, FakeFile> Files { get; }

    /// <summary>The previous commit on the branch it was made on.</summary>
    public FakeCommit? Parent { get; }
}
