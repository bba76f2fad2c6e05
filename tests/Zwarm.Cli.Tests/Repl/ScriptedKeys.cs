using Zwarm.Cli.Repl;

namespace Zwarm.Cli.Tests.Repl;

/// <summary>Key presses for the line editor, queued by a test the way a terminal would report them.</summary>
internal sealed class ScriptedKeys : IKeySource
{
    private readonly Queue<ConsoleKeyInfo> _keys = new();

    /// <summary>Typed text, one key per character.</summary>
    public ScriptedKeys Type(string text)
    {
        foreach (var c in text)
        {
            var key = char.IsAsciiLetter(c) ? ConsoleKey.A + (char.ToUpperInvariant(c) - 'A')
                : char.IsAsciiDigit(c) ? ConsoleKey.D0 + (c - '0')
                : c == ' ' ? ConsoleKey.Spacebar : default;
            _keys.Enqueue(new ConsoleKeyInfo(c, key, char.IsAsciiLetterUpper(c), false, false));
        }
        return this;
    }

    /// <summary>A special key (arrows, Home, Enter, Tab…), optionally with modifiers.</summary>
    public ScriptedKeys Press(ConsoleKey key, ConsoleModifiers modifiers = 0, int times = 1)
    {
        var ch = key switch
        {
            ConsoleKey.Enter => '\r',
            ConsoleKey.Tab => '\t',
            ConsoleKey.Backspace => '\x7f',
            ConsoleKey.Escape => '\x1b',
            _ => '\0',
        };
        for (var i = 0; i < times; i++)
            _keys.Enqueue(new ConsoleKeyInfo(
                ch, key, (modifiers & ConsoleModifiers.Shift) != 0, (modifiers & ConsoleModifiers.Alt) != 0,
                (modifiers & ConsoleModifiers.Control) != 0));
        return this;
    }

    /// <summary>Ctrl+letter as .NET reports it with TreatControlCAsInput: the letter key, Control, and the control character.</summary>
    public ScriptedKeys Ctrl(char letter)
    {
        var upper = char.ToUpperInvariant(letter);
        _keys.Enqueue(new ConsoleKeyInfo((char)(upper - 'A' + 1), ConsoleKey.A + (upper - 'A'), false, false, true));
        return this;
    }

    /// <summary>A control character with no key information (how some terminals arrive).</summary>
    public ScriptedKeys Raw(char c)
    {
        _keys.Enqueue(new ConsoleKeyInfo(c, default, false, false, false));
        return this;
    }

    /// <summary>Keys not read yet.</summary>
    public int Left => _keys.Count;

    /// <inheritdoc />
    public ConsoleKeyInfo ReadKey()
        => _keys.Count > 0 ? _keys.Dequeue() : throw new InvalidOperationException("the test's key script ran out");
}
