using Spectre.Console;
using Zwarm.Cli.Repl;

namespace Zwarm.Cli.Tests.Repl;

/// <summary>A REPL inside the test process: the real command tree over a temp folder, stdin and stdout as strings.</summary>
internal sealed class InProcessRepl : IDisposable
{
    public InProcessRepl(string input = "")
    {
        Dir = Path.Combine(Path.GetTempPath(), "zwarm-repl-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Dir);
        In = new StringReader(input);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Out),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        Host = new CliHost(console, Out, Err, Dir, In) { InRepl = true, Supervisor = null };
        Tree = new CommandTree(CliApp.Build(Host));
    }

    public string Dir { get; }

    public StringReader In { get; }

    public StringWriter Out { get; } = new();

    public StringWriter Err { get; } = new();

    public CliHost Host { get; }

    public CommandTree Tree { get; }

    /// <summary>Runs the loop over the input given to the constructor until it ends.</summary>
    public Task<int> RunAsync(IReadOnlyList<(string, string?)>? inherited = null) =>
        new ReplLoop(Host, Tree, new PlainLineReader(In)) { InheritedOptions = inherited ?? [] }
            .RunAsync(TestContext.Current.CancellationToken);

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
