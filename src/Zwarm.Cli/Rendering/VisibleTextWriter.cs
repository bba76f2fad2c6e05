using System.Text;
using Zwarm.Core;

namespace Zwarm.Cli.Rendering;

/// <summary>
/// Standard output or error for plain lines: every control character written through it is made visible
/// (<see cref="UntrustedText"/>), so agent text printed as is cannot drive the terminal. JSON is unaffected (it escapes
/// control characters itself); zwarm's own escape sequences (the REPL's line editor, Spectre) go to the raw writer.
/// </summary>
internal sealed class VisibleTextWriter(TextWriter inner) : TextWriter
{
    private bool _pendingCr;

    /// <inheritdoc />
    public override Encoding Encoding => inner.Encoding;

    /// <inheritdoc />
    public override IFormatProvider FormatProvider => inner.FormatProvider;

    /// <inheritdoc />
    public override void Write(char value)
    {
        if (_pendingCr)
        {
            _pendingCr = false;
            if (value != '\n') inner.Write('\u240d');
        }
        if (value == '\r') _pendingCr = true;
        else if (!UntrustedText.IsUnsafe(value)) inner.Write(value);
        else
        {
            var sb = new StringBuilder(4);
            UntrustedText.Append(sb, value);
            inner.Write(sb.ToString());
        }
    }

    /// <inheritdoc />
    public override void Write(string? value)
    {
        if (value is null) return;
        if (!_pendingCr && value.AsSpan().IndexOfAny(Unsafe) < 0)
        {
            inner.Write(value);
            return;
        }
        foreach (var c in value) Write(c);
    }

    /// <inheritdoc />
    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    /// <inheritdoc />
    public override void WriteLine(string? value)
    {
        Write(value);
        Write(CoreNewLine);
    }

    /// <inheritdoc />
    public override void Flush() => inner.Flush();

    /// <inheritdoc />
    public override Task FlushAsync() => inner.FlushAsync();

    private static readonly System.Buffers.SearchValues<char> Unsafe = System.Buffers.SearchValues.Create(
        Enumerable.Range(0, 0x2070).Select(i => (char)i).Where(UntrustedText.IsUnsafe).Append('\r').ToArray());
}
