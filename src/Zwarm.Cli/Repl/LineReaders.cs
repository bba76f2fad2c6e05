namespace Zwarm.Cli.Repl;

/// <summary>Where the REPL's lines come from.</summary>
internal interface ILineReader
{
    /// <summary>The next line, a cancelled one (Ctrl+C), or the end of input.</summary>
    ValueTask<LineResult> ReadLineAsync(string prompt, CancellationToken ct);
}

/// <summary>Plain lines from a reader (stdin that is not a terminal): no prompt, no editing, so scripts can drive the REPL.</summary>
internal sealed class PlainLineReader(TextReader input) : ILineReader
{
    /// <inheritdoc />
    public async ValueTask<LineResult> ReadLineAsync(string prompt, CancellationToken ct) =>
        await input.ReadLineAsync(ct) is { } line ? new LineResult(LineStatus.Accepted, line) : LineResult.End;
}

/// <summary>Lines from the terminal through the line editor; Ctrl+C arrives as a key while a line is read.</summary>
internal sealed class TerminalLineReader(LineEditor editor) : ILineReader
{
    /// <inheritdoc />
    public ValueTask<LineResult> ReadLineAsync(string prompt, CancellationToken ct) =>
        ValueTask.FromResult(Terminal.ReadLine(editor, prompt));
}

/// <summary>
/// stdin for commands run inside the terminal REPL (confirmations): lines come from a line editor, whose prompt is
/// whatever the command just wrote on the current line of stderr, so redrawing keeps the question. Ctrl+C answers
/// with end of input, which every question takes as "no".
/// </summary>
internal sealed class EditorTextReader(LineEditor editor, TailWriter stderr) : TextReader
{
    /// <inheritdoc />
    public override string? ReadLine()
    {
        var line = Terminal.ReadLine(editor, stderr.CurrentLine, promptShown: true);
        return line.Status == LineStatus.Accepted ? line.Text : null;
    }

    /// <inheritdoc />
    public override Task<string?> ReadLineAsync() => Task.FromResult(ReadLine());

    /// <inheritdoc />
    public override ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken) => ValueTask.FromResult(ReadLine());
}

/// <summary>Terminal mode switches around a read.</summary>
internal static class Terminal
{
    /// <summary>
    /// Reads a line with Ctrl+C delivered as a key; afterwards Ctrl+C is a signal again (it cancels the running command).
    /// </summary>
    public static LineResult ReadLine(LineEditor editor, string prompt, bool promptShown = false)
    {
        Console.TreatControlCAsInput = true;
        try
        {
            return editor.ReadLine(prompt, promptShown);
        }
        finally
        {
            Console.TreatControlCAsInput = false;
        }
    }
}
