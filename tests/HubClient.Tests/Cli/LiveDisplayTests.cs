using HubClient.Cli.Output;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace HubClient.Tests.Cli;

/// <summary>
/// <c>hub download</c> on an interactive terminal: the live bars and the event log's lines (<c>--verbose</c> transports,
/// retries, cache fallbacks) share the terminal, so the lines go through the display, which prints each one whole above
/// its bars. Written straight to the error stream, they landed inside the bars and the next redraw erased some.
/// </summary>
public sealed class LiveDisplayTests : IAsyncLifetime
{
    private readonly HubFixture _f = new();

    public Task InitializeAsync()
    {
        _f.Hub.AddTinyModel(weightsBytes: 100_000);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    private Task<(CliResult Result, string[] Screen)> RunOnTerminal(int width, params string[] args) =>
        CliRunner.RunOnTerminalAsync(_f, [.. args, "--cache-dir", _f.CacheDirectory], width);

    private static bool IsBar(string line) => line.Contains('━', StringComparison.Ordinal);

    [Fact]
    public async Task Verbose_snapshot_shows_every_transport_line_whole_above_the_bars()
    {
        (CliResult run, string[] screen) = await RunOnTerminal(80, "download", DemoRepos.TinyModel, "--verbose");

        Assert.Equal(0, run.Code);
        Assert.Equal(
            [
                "fetched README.md over one HTTP stream",
                "fetched config.json over one HTTP stream",
                "fetched model.safetensors over Xet storage",
                "fetched onnx/model.onnx over one HTTP stream",
                "fetched tokenizer.json over one HTTP stream",
            ],
            screen.Where(l => l.Contains("fetched", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Contains(screen, l => IsBar(l) && l.StartsWith("demo/tiny-model 5/5 files", StringComparison.Ordinal) && l.Contains("100%", StringComparison.Ordinal));
        Assert.DoesNotContain("fetched", run.Err, StringComparison.Ordinal);
        Assert.Single(run.OutLines);
    }

    [Fact]
    public async Task A_line_wider_than_the_terminal_wraps_without_leaving_pieces_of_the_bars_beside_it()
    {
        // The retry line names the URL: over 80 columns, so its second row is written where a bar was drawn.
        _f.Hub.InjectFault(FakeFault.RateLimited(TimeSpan.Zero), RequestFilters.Metadata("model.safetensors"), times: 1);

        (CliResult run, string[] screen) = await RunOnTerminal(80, "download", DemoRepos.TinyModel, "model.safetensors");

        Assert.Equal(0, run.Code);
        Assert.Contains(screen, l => l.StartsWith("retry 1: HEAD", StringComparison.Ordinal));
        Assert.All(screen.Where(IsBar), l => Assert.True(l.StartsWith("demo/tiny-model ", StringComparison.Ordinal) || l.StartsWith("model.safetensors ", StringComparison.Ordinal), l));
        Assert.Contains(screen, l => IsBar(l) && l.StartsWith("model.safetensors ", StringComparison.Ordinal) && l.Contains("100%", StringComparison.Ordinal));
        Assert.DoesNotContain("retry", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_row_of_a_wrapped_line_covers_what_the_display_drew_there()
    {
        var screen = new StringWriter();
        IAnsiConsole terminal = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            Interactive = InteractionSupport.Yes,
            Out = new AnsiConsoleOutput(screen),
        });
        terminal.Profile.Width = 80;
        var log = new HubEventLog(new StringWriter());
        IReadOnlyList<KeyValuePair<string, object?>> fallback =
            [new("Path", "model.safetensors"), new("Reason", "503 Service Unavailable from the CAS, three times in a row")];

        await terminal.Progress().AutoRefresh(false).StartAsync(ctx =>
        {
            ctx.AddTask(new string('x', 60), maxValue: 1);
            ctx.Refresh();
            log.BeginLiveDisplay(terminal);
            log.Log(LogLevel.Warning, new EventId(0, "XetFallback"), fallback, null, (_, _) => "");
            log.EndLiveDisplay();
            ctx.Refresh();
            return Task.CompletedTask;
        });

        string[] lines = TerminalScreen.Lines(screen.ToString(), 80);
        int first = Array.FindIndex(lines, l => l.StartsWith("note: Xet storage could not serve model.safetensors", StringComparison.Ordinal));
        Assert.True(first >= 0, string.Join("\n", lines));
        Assert.EndsWith("it comes over the plain-HTTP bridge", lines[first + 1], StringComparison.Ordinal);
        Assert.DoesNotContain('x', lines[first + 1]);
    }
}
