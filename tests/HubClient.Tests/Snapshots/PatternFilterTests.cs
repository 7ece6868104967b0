namespace HubClient.Tests.Snapshots;

/// <summary>
/// Snapshot file selection, checked against huggingface_hub's own table (tests/test_utils_paths.py) and against what
/// Python's fnmatch.fnmatchcase answers for the set syntax.
/// </summary>
public sealed class PatternFilterTests
{
    private static readonly string[] DummyFiles = ["not_hidden.pdf", "profile.jpg", ".hidden.pdf", ".hidden_picture.png"];

    private static string[] Filter(IEnumerable<string> items, string[]? allow = null, string[]? ignore = null)
    {
        var filter = new RepoPathFilter(allow, ignore);
        return items.Where(filter.IsSelected).ToArray();
    }

    [Fact]
    public void All_pdfs_even_hidden_ones() =>
        Assert.Equal(["not_hidden.pdf", ".hidden.pdf"], Filter(DummyFiles, allow: ["*.pdf"]));

    [Fact]
    public void All_pdfs_except_hidden_ones() =>
        Assert.Equal(["not_hidden.pdf"], Filter(DummyFiles, allow: ["*.pdf"], ignore: [".*"]));

    [Fact]
    public void All_images() =>
        Assert.Equal(["profile.jpg", ".hidden_picture.png"], Filter(DummyFiles, allow: ["*.png", "*.jpg"]));

    [Fact]
    public void All_images_except_hidden_ones() =>
        Assert.Equal(["profile.jpg"], Filter(DummyFiles, allow: ["*.png", "*.jpg"], ignore: [".*"]));

    [Fact]
    public void A_pattern_ending_in_a_slash_selects_the_whole_folder_at_that_place_only() =>
        Assert.Equal(
            ["path/to/file.txt", "path/to/lfs.bin"],
            Filter(["file.txt", "lfs.bin", "path/to/file.txt", "path/to/lfs.bin", "nested/path/to/file.txt", "nested/path/to/lfs.bin"], allow: ["path/to/"]));

    [Fact]
    public void Empty_allow_pattern_selects_nothing_and_empty_ignore_pattern_ignores_nothing()
    {
        Assert.Empty(Filter(["file.txt", "lfs.bin"], allow: [""]));
        Assert.Equal(["file.txt", "lfs.bin"], Filter(["file.txt", "lfs.bin"], ignore: [""]));
    }

    [Fact]
    public void Matching_is_case_sensitive()
    {
        Assert.Equal(["notes.MD"], Filter(["README.md", "notes.MD"], allow: ["*.MD"]));
        Assert.Equal(["README.md"], Filter(["README.md", "notes.MD"], allow: ["*.md"]));
        Assert.Equal(["keep.txt", "keep.log"], Filter(["keep.txt", "drop.LOG", "keep.log"], ignore: ["*.LOG"]));
    }

    [Fact]
    public void Backslashes_are_path_separators_in_patterns_and_paths()
    {
        Assert.Equal(["unet/config.json"], Filter(["unet/config.json", "vae/config.json", "unet/model.bin"], allow: ["unet\\config.json"]));
        Assert.Equal(["unet\\config.json"], Filter(["unet\\config.json", "unet\\model.bin"], allow: ["unet/*.json"]));
        Assert.Equal(["unet/model.bin"], Filter(["unet/config.json", "unet/model.bin"], ignore: ["unet\\*.json"]));
    }

    [Fact]
    public void Star_crosses_folders()
    {
        Assert.Equal(["data/file.json", "data/sub/file.json"], Filter(["data/file.json", "data/sub/file.json", "other/file.json"], allow: ["data/*.json"]));
        Assert.Equal(["a/b/c.safetensors"], Filter(["a/b/c.safetensors", "a/b/c.bin"], allow: ["*.safetensors"]));
    }

    private static readonly string[] DefaultIgnorePatterns =
        [".git", ".git/*", "*/.git", "**/.git/**", ".cache/huggingface", ".cache/huggingface/*", "*/.cache/huggingface", "**/.cache/huggingface/**"];

    [Fact]
    public void Default_ignore_patterns_drop_git_and_cache_folders_only()
    {
        string[] ignored =
        [
            ".git", ".git/file.txt", ".git/folder/file.txt", "path/to/folder/.git", "path/to/folder/.git/file.txt",
            "path/to/.git/folder/file.txt", ".cache/huggingface", ".cache/huggingface/file.txt", ".cache/huggingface/folder/file.txt",
            "path/to/.cache/huggingface", "path/to/.cache/huggingface/file.txt",
        ];
        string[] valid =
        [
            ".gitignore", "path/foo.git/file.txt", "path/.git_bar/file.txt", "path/to/file.git", "file.huggingface",
            "path/file.huggingface", ".cache/huggingface_folder", ".cache/huggingface_folder/file.txt",
        ];

        Assert.Equal(valid, Filter(ignored.Concat(valid), ignore: DefaultIgnorePatterns));
    }

    // Expected answers are Python's fnmatch.fnmatchcase(name, pattern).
    [Theory]
    [InlineData("model-?.bin", "model-1.bin", true)]
    [InlineData("model-?.bin", "model-10.bin", false)]
    [InlineData("a?b", "a/b", true)]
    [InlineData("[abc].txt", "b.txt", true)]
    [InlineData("[abc].txt", "d.txt", false)]
    [InlineData("[!abc].txt", "d.txt", true)]
    [InlineData("[!abc].txt", "a.txt", false)]
    [InlineData("[a-c]x", "bx", true)]
    [InlineData("[a-c]x", "dx", false)]
    [InlineData("[-a]", "-", true)]
    [InlineData("[a-]", "-", true)]
    [InlineData("[a-c-e]", "-", true)]
    [InlineData("[a-c-e]", "d", false)]
    [InlineData("[]]", "]", true)]
    [InlineData("[!]]", "]", false)]
    [InlineData("[!]]", "a", true)]
    [InlineData("[z-a]", "m", false)]
    [InlineData("[!z-a]", "m", true)]
    [InlineData("[az-ab]", "b", true)]
    [InlineData("[az-ab]", "m", false)]
    [InlineData("[a", "[a", true)]
    [InlineData("[!]", "[!]", true)]
    [InlineData("[^a]", "^", true)]
    [InlineData("[^a]", "b", false)]
    [InlineData("[[]", "[", true)]
    [InlineData("a.b", "axb", false)]
    [InlineData("a+b(c)", "a+b(c)", true)]
    [InlineData("**", "", true)]
    [InlineData("*.JSON", "x.json", false)]
    [InlineData("a\nb", "a\nb", true)]
    [InlineData("*", "line\nbreak", true)]
    // Characters are code points, not UTF-16 units (answers from Python 3.11's fnmatchcase).
    [InlineData("images/?.png", "images/\U0001F600.png", true)]
    [InlineData("images/??.png", "images/\U0001F600.png", false)]
    [InlineData("docs/[\U00020000-\U0002A6DF].txt", "docs/\U00020000.txt", true)]
    [InlineData("images/[!a].png", "images/\U0001F600.png", true)]
    [InlineData("images/[\U0001F600\U0001F601].png", "images/\U0001F600.png", true)]
    [InlineData("[!\U0001F600]", "\U0001F600", false)]
    [InlineData("[!\U0001F600]", "\U0001F601", true)]
    [InlineData("[!\U0001F600]", "a", true)]
    [InlineData("[a-\U0001F600]", "\U0001F600", true)]
    [InlineData("[a-\U0001F600]", "\U0001F601", false)]
    [InlineData("[a-\U0001F600]", "\uFFFD", true)]
    [InlineData("[\U0001F000-\U0002FFFF]", "\U00025000", true)]
    [InlineData("[\U0001F000-\U0002FFFF]", "\U00030000", false)]
    [InlineData("[\U0001F000-\U0002FFFF]", "\U0001EFFF", false)]
    [InlineData("*?", "\U0001F600", true)]
    [InlineData("*??", "\U0001F600", false)]
    [InlineData("*\U0001F600*", "a\U0001F600b", true)]
    [InlineData("[!\U0001F000-\U0002FFFF]x", "\U00025000x", false)]
    [InlineData("[!\U0001F000-\U0002FFFF]x", "\U00030000x", true)]
    public void Fnmatch_agrees_with_python(string pattern, string name, bool expected) =>
        Assert.Equal(expected, new FnMatch(pattern).IsMatch(name));

    [Fact]
    public void Null_pattern_is_rejected() =>
        Assert.Throws<ArgumentException>(() => new RepoPathFilter([null!], null));

    /// <summary>
    /// Long patterns compile as they did before characters became code points (the code-point regex, several times
    /// larger, is built only for a path with a surrogate pair), and one past the regex engine's limit is an ArgumentException.
    /// </summary>
    [Theory]
    [InlineData("[!/]", 300)]
    [InlineData("?", 700)]
    [InlineData("*?", 400)]
    public void Long_patterns_still_compile(string unit, int count)
    {
        string pattern = string.Concat(Enumerable.Repeat(unit, count));
        Assert.True(new FnMatch(pattern).IsMatch(new string('a', count))); // Python 3.11: True
        Assert.Throws<ArgumentException>(() => new FnMatch(string.Concat(Enumerable.Repeat("?", 20_000))));
    }
}
