using System.Text;

namespace Zwarm.Cli.Repl;

/// <summary>A pass-through writer that remembers the text written since the last newline (the question of a prompt).</summary>
internal sealed class TailWriter(TextWriter inner) : TextWriter
{
    private const int Keep = 400;
    private readonly StringBuilder _line = new();

    /// <summary>What the current (unfinished) line holds.</summary>
    public string CurrentLine
    {
        get { lock (_line) return _line.ToString(); }
    }

    /// <inheritdoc />
    public override Encoding Encoding => inner.Encoding;

    /// <inheritdoc />
    public override void Write(char value)
    {
        inner.Write(value);
        Track(value.ToString());
    }

    /// <inheritdoc />
    public override void Write(string? value)
    {
        inner.Write(value);
        Track(value);
    }

    /// <inheritdoc />
    public override void Write(char[] buffer, int index, int count)
    {
        inner.Write(buffer, index, count);
        Track(new string(buffer, index, count));
    }

    /// <inheritdoc />
    public override void Flush() => inner.Flush();

    /// <inheritdoc />
    public override Task FlushAsync() => inner.FlushAsync();

    private void Track(string? text)
    {
        if (string.IsNullOrEmpty(text)) return;
        lock (_line)
        {
            var nl = text.LastIndexOf('\n');
            if (nl >= 0) _line.Clear();
            _line.Append(text.AsSpan(nl + 1));
            if (_line.Length > Keep) _line.Remove(0, _line.Length - Keep);
        }
    }
}
