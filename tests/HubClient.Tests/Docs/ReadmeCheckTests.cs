using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace HubClient.Tests.Docs;

/// <summary>
/// What the README promises a first-time reader beyond its compiled examples (issue 12, item 14): commands in runnable
/// form, packages it needs named, ordered progress, and the public API's documented results and errors.
/// </summary>
public sealed partial class ReadmeCheckTests
{
    private static readonly string Root = FindRoot();

    private static readonly string Readme = File.ReadAllText(Path.Combine(Root, "README.md"));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "README.md")) && File.Exists(Path.Combine(dir.FullName, "HubClient.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("The repository root (README.md, HubClient.sln) is not above " + AppContext.BaseDirectory);
    }

    private static IEnumerable<string> CodeBlocks(string language) =>
        CodeBlock().Matches(Readme).Where(m => m.Groups["lang"].Value == language).Select(m => m.Groups["code"].Value);

    [Fact]
    public void The_first_commands_are_runnable_as_written()
    {
        string first = CodeBlocks("bash").First();
        foreach (string line in first.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            Assert.StartsWith("dotnet ", line, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// The examples read as one program: a block calls the client <c>hub</c> (declared in "Use it") or a variable it declares
    /// itself, so that pasting one block after another compiles. (A new-user review pasted one that called <c>api</c>.)
    /// </summary>
    [Fact]
    public void Every_example_calls_the_client_by_its_one_name_or_declares_what_it_calls()
    {
        foreach (string block in CodeBlocks("csharp"))
        {
            HashSet<string> declared = [.. Declaration().Matches(block).Select(m => m.Groups["name"].Value), "hub"];
            foreach (Match call in AwaitedCall().Matches(block))
            {
                Assert.True(declared.Contains(call.Groups["receiver"].Value),
                    $"A README example awaits '{call.Value}' on a variable it never declares: {block[..Math.Min(80, block.Length)]}");
            }
        }
    }

    [Fact]
    public void Every_sample_is_run_with_dotnet_run_and_every_project_exists()
    {
        Assert.Empty(BareSampleCommand().Matches(Readme).Select(m => m.Value));
        MatchCollection projects = ProjectArgument().Matches(Readme);
        Assert.NotEmpty(projects);
        foreach (Match project in projects)
        {
            string folder = Path.Combine(Root, project.Groups["path"].Value);
            Assert.True(Directory.Exists(folder) && Directory.EnumerateFiles(folder, "*.csproj").Any(), $"{project.Value}: no project at {folder}");
        }
    }

    [Fact]
    public void Csharp_examples_report_progress_in_order()
    {
        string[] csharp = [.. CodeBlocks("csharp")];
        Assert.NotEmpty(csharp);
        Assert.DoesNotContain(csharp, c => c.Contains("new Progress<", StringComparison.Ordinal));
        Assert.Contains(csharp, c => c.Contains("new SynchronousProgress<", StringComparison.Ordinal));
    }

    [Fact]
    public void Packages_and_rules_a_snippet_relies_on_are_named()
    {
        if (Readme.Contains("AddResilienceHandler", StringComparison.Ordinal))
        {
            Assert.Contains("Microsoft.Extensions.Http.Resilience", Readme, StringComparison.Ordinal);
        }
        Assert.Contains("an absolute http(s) URL", Readme, StringComparison.Ordinal);
        // Until HubClient.Cli is on nuget.org, installing the tool needs the local pack as a source.
        foreach (string line in Readme.Split('\n').Where(l => l.Contains("dotnet tool install", StringComparison.Ordinal)))
        {
            Assert.Contains("--add-source", line, StringComparison.Ordinal);
            Assert.Contains("dotnet pack src/HubClient.Cli", line, StringComparison.Ordinal);
        }
    }

    /// <summary>What the README says of <see cref="SynchronousProgress{T}"/>: every report handled, in order, before the call returns.</summary>
    [Fact]
    public async Task Synchronous_progress_has_every_report_in_order_when_the_download_returns()
    {
        await using var f = new HubFixture();
        f.Hub.AddTinyModel(weightsBytes: 200_000);
        var reports = new List<SnapshotProgress>();

        await f.Api.DownloadSnapshotAsync(DemoRepos.TinyModel, new SnapshotDownloadOptions
        {
            MaxConcurrency = 4,
            Progress = new SynchronousProgress<SnapshotProgress>(reports.Add),
        });
        SnapshotProgress[] seen = [.. reports];

        Assert.NotEmpty(seen);
        Assert.Equal(seen[^1].TotalFiles, seen[^1].FilesCompleted);
        Assert.Equal(seen[^1].TotalBytes, seen[^1].BytesDownloaded);
        for (int i = 1; i < seen.Length; i++)
        {
            Assert.True(seen[i].FilesCompleted >= seen[i - 1].FilesCompleted && seen[i].BytesDownloaded >= seen[i - 1].BytesDownloaded, $"report {i} went back");
        }
        Assert.Throws<ArgumentNullException>(() => new SynchronousProgress<int>(null!));
    }

    /// <summary>Every public method of <see cref="HubApi"/> documents what it returns and what it throws.</summary>
    [Fact]
    public void HubApi_methods_document_returns_and_exceptions()
    {
        string xml = Path.ChangeExtension(typeof(HubApi).Assembly.Location, ".xml");
        XDocument docs = XDocument.Load(xml);
        string[] methods = typeof(HubApi).GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.DeclaredOnly)
            .Where(m => !m.IsSpecialName && m.ReturnType != typeof(void))
            .Select(m => m.Name)
            .Distinct()
            .ToArray();
        Assert.NotEmpty(methods);
        foreach (string method in methods)
        {
            XElement[] members = docs.Descendants("member")
                .Where(m => ((string?)m.Attribute("name"))?.StartsWith($"M:HubClient.HubApi.{method}(", StringComparison.Ordinal) == true)
                .ToArray();
            Assert.True(members.Length > 0, $"{method} has no XML docs");
            foreach (XElement member in members)
            {
                Assert.True(member.Element("returns") is not null, $"{member.Attribute("name")} has no <returns>");
                Assert.True(member.Elements("exception").Any(), $"{member.Attribute("name")} has no <exception>");
            }
        }
    }

    [GeneratedRegex(@"^```(?<lang>\w+)\n(?<code>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    /// <summary>A sample named as if it were a command (<c>samples/QuickStart -- …</c>) instead of <c>dotnet run --project samples/QuickStart -- …</c>.</summary>
    [GeneratedRegex(@"\bawait (?:using |foreach \(.*? in )?(?<receiver>[a-z]\w*)\.\w+\(")]
    private static partial Regex AwaitedCall();

    [GeneratedRegex(@"(?:\bvar|\b[A-Z]\w*(?:<[\w<>, ]+>)?\??) (?<name>[a-z]\w*) =")]
    private static partial Regex Declaration();

    [GeneratedRegex(@"(?<!--project )\bsamples/\w+ --")]
    private static partial Regex BareSampleCommand();

    [GeneratedRegex(@"dotnet (?:run|pack) (?:--project )?(?<path>(?:samples|src)/[\w.]+)")]
    private static partial Regex ProjectArgument();
}
