namespace Zwarm.Cli.Repl;

/// <summary>Where the line editor's keys come from: the console, or a script in tests.</summary>
internal interface IKeySource
{
    /// <summary>The next key press (blocks until there is one).</summary>
    ConsoleKeyInfo ReadKey();
}

/// <summary>Keys from the terminal, not echoed (the editor draws the line itself).</summary>
internal sealed class ConsoleKeySource : IKeySource
{
    /// <inheritdoc />
    public ConsoleKeyInfo ReadKey() => Console.ReadKey(intercept: true);

    /// <summary>The terminal's width in columns (80 when unknown).</summary>
    public static int Width()
    {
        try
        {
            return Console.WindowWidth is > 0 and var w ? w : 80;
        }
        catch (IOException)
        {
            return 80;
        }
    }
}
