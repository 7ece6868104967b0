using Spectre.Console;
using Spectre.Console.Rendering;

namespace HubClient.Cli.Output;

/// <summary>
/// Progress-bar columns that print bytes with <see cref="ByteSize"/>, like every other size <c>hub</c> prints (Spectre's own
/// columns use binary units). A task whose size is not known yet (<see cref="ProgressTask.IsIndeterminate"/>) shows nothing
/// rather than a placeholder such as <c>0/1 byte</c>.
/// </summary>
internal static class ByteColumns
{
    /// <summary><c>1.2 MB/4.3 MB</c>.</summary>
    internal sealed class Downloaded : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            task.IsIndeterminate ? Text.Empty : new Markup($"{ByteSize.Format((long)task.Value)}[grey]/[/]{ByteSize.Format((long)task.MaxValue)}");
    }

    /// <summary><c>12.5 MB/s</c> while bytes arrive.</summary>
    internal sealed class Speed : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            task.IsIndeterminate || task.Speed is not { } speed ? Text.Empty : new Text($"{ByteSize.Format((long)speed)}/s", new Style(Color.Grey));
    }
}
