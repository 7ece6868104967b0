using System.Globalization;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace HubClient.Cli.Output;

/// <summary>
/// Receives the library's log (category <c>HubClient</c>) and prints what a user of the command should see on the error
/// stream (through the terminal, above the bars, while a live display runs): each retry, each file the cache answered
/// because the hub could not be reached, each Xet-backed file that had to come over the plain-HTTP bridge, and with
/// <see cref="Verbose"/> the transport each file came over. Counts the files actually downloaded, so that a run that
/// fetched nothing can say so.
/// </summary>
internal sealed class HubEventLog(TextWriter error) : ILoggerProvider, ILogger
{
    private int _downloaded;
    private int _servedFromCache;
    private IAnsiConsole? _live;

    /// <summary>Whether to print the library's Debug events meant for users too (<c>--verbose</c>): the transport of each file.</summary>
    public bool Verbose { get; set; }

    /// <summary>Files whose bytes came from the hub during this run.</summary>
    public int FilesDownloaded => Volatile.Read(ref _downloaded);

    /// <summary>Files the cache answered because the hub could not be reached.</summary>
    public int FilesServedFromCache => Volatile.Read(ref _servedFromCache);

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= (Verbose ? LogLevel.Debug : LogLevel.Information);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        IReadOnlyList<KeyValuePair<string, object?>> values = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
        string Value(string name) => Convert.ToString(values.FirstOrDefault(v => v.Key == name).Value, CultureInfo.InvariantCulture) ?? "";
        switch (eventId.Name)
        {
            case "Downloaded":
                Interlocked.Increment(ref _downloaded);
                break;
            case "Retrying":
                double delay = double.TryParse(Value("DelayMs"), CultureInfo.InvariantCulture, out double ms) ? ms / 1000 : 0;
                Write(string.Create(CultureInfo.InvariantCulture, $"retry {Value("Attempt")}: {Value("Method")} {Value("Url")} in {delay:0.0}s after {Value("Reason")}"));
                break;
            case "ServedFromCacheAfterError":
                Interlocked.Increment(ref _servedFromCache);
                Write(Value("Status") is "401" or "403"
                    ? $"note: the hub refused access ({Value("Reason")}); {Value("Path")} of {Value("RepoId")} comes from the cache. Check the token (--token or HF_TOKEN)"
                    : $"note: the hub gave no usable answer ({Value("Reason")}); {Value("Path")} of {Value("RepoId")} comes from the cache");
                break;
            case "XetFallback":
                Write($"note: Xet storage could not serve {Value("Path")} ({Value("Reason")}); it comes over the plain-HTTP bridge");
                break;
            case "XetHandedOver":
                Write(string.Create(CultureInfo.InvariantCulture,
                    $"note: the bridge continues {Value("Path")} from the {ByteSize.Format(long.Parse(Value("Bytes"), CultureInfo.InvariantCulture))} Xet storage wrote"));
                break;
            case "BridgeFailed":
                Write($"note: the plain-HTTP bridge could not continue {Value("Path")} ({Value("Reason")}); trying Xet storage");
                break;
            case "Transport" when Verbose:
                Write($"fetched {Value("Path")} over {TransportName(Value("Transport"))}");
                break;
        }
    }

    public void Dispose()
    {
    }

    /// <summary>
    /// Until <see cref="EndLiveDisplay"/>, prints through <paramref name="terminal"/>, where a live display is running: Spectre
    /// writes each line above the display's region. Written straight to the error stream, which is the same terminal, a
    /// line would land inside the bars and the next redraw would overwrite it.
    /// </summary>
    public void BeginLiveDisplay(IAnsiConsole terminal)
    {
        lock (error) _live = terminal;
    }

    /// <summary>Prints to the error stream again (the live display has ended).</summary>
    public void EndLiveDisplay()
    {
        lock (error) _live = null;
    }

    /// <summary>The words for the engine's transport names (<c>xet</c>, <c>http-ranges</c>, <c>http</c>).</summary>
    private static string TransportName(string transport) => transport switch
    {
        "xet" => "Xet storage",
        "http-ranges" => "parallel HTTP ranges",
        "http" => "one HTTP stream",
        _ => transport,
    };

    private void Write(string line)
    {
        lock (error)
        {
            // One renderable, each row padded to the full width: Spectre moves the cursor back to the top of its bars without
            // erasing them, so a row shorter than the bar drawn where it lands would leave the rest of that bar beside it.
            if (_live is { } terminal) terminal.Write(new Padder(new Text(line), new Padding(0)) { Expand = true });
            else error.WriteLine(line);
        }
    }
}
