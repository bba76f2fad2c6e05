using System.Text;
using System.Text.RegularExpressions;

namespace Zwarm.Cli.Repl;

/// <summary>How reading a line ended.</summary>
internal enum LineStatus
{
    /// <summary>Enter.</summary>
    Accepted,

    /// <summary>Ctrl+C: the line is dropped.</summary>
    Cancelled,

    /// <summary>Ctrl+D on an empty line, or end of input.</summary>
    EndOfInput,
}

/// <summary>A line the user entered, or why there is none.</summary>
internal readonly record struct LineResult(LineStatus Status, string Text)
{
    /// <summary>End of input.</summary>
    public static LineResult End { get; } = new(LineStatus.EndOfInput, "");
}

/// <summary>
/// A small readline over an <see cref="IKeySource"/>: ←/→ Home/End Ctrl+A/E/B/F Alt+B/F move, Backspace/Delete
/// Ctrl+U/K/W/D delete, ↑/↓ Ctrl+P/N walk the history, Tab completes, Ctrl+L clears, Ctrl+C cancels the line.
/// Long lines wrap; the editor keeps track of the rows it has drawn.
/// </summary>
internal sealed partial class LineEditor(IKeySource keys, TextWriter output, Func<int>? width = null)
{
    private readonly StringBuilder _buf = new();
    private readonly Func<int> _width = width ?? (() => 80);
    private string _prompt = "";
    private int _promptWidth;
    private int _cursor;
    private int _shown;

    /// <summary>Earlier lines, oldest first (↑ walks back).</summary>
    public IReadOnlyList<string> History { get; set; } = [];

    /// <summary>What Tab offers; null = Tab does nothing.</summary>
    public ICompleter? Completer { get; set; }

    /// <summary>Shows <paramref name="prompt"/> (unless the cursor already stands right after it) and reads one line.</summary>
    public LineResult ReadLine(string prompt, bool promptShown = false)
    {
        (_prompt, _promptWidth) = (prompt, AnsiEscape().Replace(prompt, "").Length);
        (_cursor, _shown) = (0, promptShown ? _promptWidth : 0);
        _buf.Clear();
        var historyAt = History.Count;
        var draft = "";
        Render();
        while (true)
        {
            var k = keys.ReadKey();
            var ctrl = ControlLetter(k);
            var word = (k.Modifiers & (ConsoleModifiers.Alt | ConsoleModifiers.Control)) != 0;
            switch (k.Key)
            {
                case ConsoleKey.Enter: return Finish(LineStatus.Accepted, "\r\n");
                case ConsoleKey.Tab: Complete(); continue;
                case ConsoleKey.Backspace when _cursor > 0: Delete(_cursor - 1, _cursor); continue;
                case ConsoleKey.Delete when _cursor < _buf.Length: Delete(_cursor, _cursor + 1); continue;
                case ConsoleKey.LeftArrow: Move(word ? WordLeft() : _cursor - 1); continue;
                case ConsoleKey.RightArrow: Move(word ? WordRight() : _cursor + 1); continue;
                case ConsoleKey.Home: Move(0); continue;
                case ConsoleKey.End: Move(_buf.Length); continue;
                case ConsoleKey.UpArrow: ctrl = 'P'; break;
                case ConsoleKey.DownArrow: ctrl = 'N'; break;
                case ConsoleKey.B when k.Modifiers == ConsoleModifiers.Alt: Move(WordLeft()); continue;
                case ConsoleKey.F when k.Modifiers == ConsoleModifiers.Alt: Move(WordRight()); continue;
            }
            switch (ctrl)
            {
                case 'C': return Finish(LineStatus.Cancelled, "^C\r\n");
                case 'D' when _buf.Length == 0: return Finish(LineStatus.EndOfInput, "\r\n");
                case 'D': if (_cursor < _buf.Length) Delete(_cursor, _cursor + 1); continue;
                case 'A': Move(0); continue;
                case 'E': Move(_buf.Length); continue;
                case 'B': Move(_cursor - 1); continue;
                case 'F': Move(_cursor + 1); continue;
                case 'U': Delete(0, _cursor); continue;
                case 'K': Delete(_cursor, _buf.Length); continue;
                case 'W': Delete(WordLeft(), _cursor); continue;
                case 'L':
                    output.Write("\x1b[H\x1b[2J");
                    _shown = 0;
                    Render();
                    continue;
                case 'P' when historyAt > 0:
                    if (historyAt == History.Count) draft = _buf.ToString();
                    SetText(History[--historyAt]);
                    continue;
                case 'N' when historyAt < History.Count:
                    SetText(++historyAt == History.Count ? draft : History[historyAt]);
                    continue;
            }
            if (ctrl == '\0' && !word && k.KeyChar >= ' ' && k.KeyChar != '\x7f') Insert(k.KeyChar.ToString());
        }
    }

    private LineResult Finish(LineStatus status, string tail)
    {
        Move(_buf.Length);
        output.Write(tail);
        output.Flush();
        return new LineResult(status, _buf.ToString());
    }

    /// <summary>'A'..'Z' for Ctrl+letter (however the terminal reported it), else '\0'.</summary>
    private static char ControlLetter(ConsoleKeyInfo k)
    {
        if (k.Key is ConsoleKey.Enter or ConsoleKey.Tab or ConsoleKey.Backspace or ConsoleKey.Escape) return '\0';
        if ((k.Modifiers & ConsoleModifiers.Control) != 0 && k.Key is >= ConsoleKey.A and <= ConsoleKey.Z)
            return (char)('A' + (k.Key - ConsoleKey.A));
        return k.KeyChar is >= '\x01' and <= '\x1a' ? (char)('A' + k.KeyChar - 1) : '\0';
    }

    private void Insert(string text)
    {
        _buf.Insert(_cursor, text);
        _cursor += text.Length;
        var end = _promptWidth + _buf.Length;
        if (_cursor == _buf.Length && _shown + text.Length == end && end % Width() != 0)
        {
            // Typing at the end of the line: no need to redraw it.
            output.Write(text);
            output.Flush();
            _shown = end;
            return;
        }
        Render();
    }

    private void Delete(int from, int to)
    {
        if (to <= from) return;
        _buf.Remove(from, to - from);
        _cursor = from;
        Render();
    }

    private void Move(int to)
    {
        _cursor = Math.Clamp(to, 0, _buf.Length);
        Render();
    }

    private void SetText(string text)
    {
        _buf.Clear().Append(text);
        _cursor = _buf.Length;
        Render();
    }

    private int WordLeft()
    {
        var i = _cursor;
        while (i > 0 && char.IsWhiteSpace(_buf[i - 1])) i--;
        while (i > 0 && !char.IsWhiteSpace(_buf[i - 1])) i--;
        return i;
    }

    private int WordRight()
    {
        var i = _cursor;
        while (i < _buf.Length && char.IsWhiteSpace(_buf[i])) i++;
        while (i < _buf.Length && !char.IsWhiteSpace(_buf[i])) i++;
        return i;
    }

    private int Width() => Math.Max(1, _width());

    /// <summary>Redraws prompt and line from the prompt's first row, then puts the terminal cursor on <see cref="_cursor"/>.</summary>
    private void Render()
    {
        var w = Width();
        var sb = new StringBuilder();
        if (_shown / w > 0) sb.Append("\x1b[").Append(_shown / w).Append('A');
        sb.Append('\r').Append(_prompt).Append(_buf);
        var end = _promptWidth + _buf.Length;
        // A line that exactly fills its last row leaves the cursor in the margin; move it to the next row explicitly.
        if (end > 0 && end % w == 0) sb.Append("\r\n");
        sb.Append("\x1b[J");
        var target = _promptWidth + _cursor;
        if (end / w > target / w) sb.Append("\x1b[").Append(end / w - target / w).Append('A');
        sb.Append('\r');
        if (target % w > 0) sb.Append("\x1b[").Append(target % w).Append('C');
        _shown = target;
        output.Write(sb.ToString());
        output.Flush();
    }

    private void Complete()
    {
        if (Completer is null) return;
        var line = _buf.ToString();
        var (start, items) = Completer.Complete(line, _cursor);
        if (items.Count == 0)
        {
            output.Write('\a');
            return;
        }
        var typed = line[start.._cursor];
        if (items.Count == 1)
        {
            var space = _cursor < _buf.Length && _buf[_cursor] == ' ' ? "" : " ";
            Replace(start, items[0].Text + space);
            return;
        }
        var common = items.Select(i => i.Text).Aggregate(CommonPrefix);
        if (common.Length > typed.Length)
        {
            Replace(start, common);
            return;
        }
        var at = _cursor;
        Move(_buf.Length);
        output.Write("\r\n" + CompletionList.Format(items, Width()));
        _shown = 0;
        _cursor = at;
        Render();
    }

    private void Replace(int start, string text)
    {
        _buf.Remove(start, _cursor - start);
        _cursor = start;
        Insert(text);
    }

    private static string CommonPrefix(string a, string b)
    {
        var n = 0;
        while (n < a.Length && n < b.Length && a[n] == b[n]) n++;
        return a[..n];
    }

    [GeneratedRegex(@"\x1b\[[0-9;?]*[A-Za-z]")]
    private static partial Regex AnsiEscape();
}
