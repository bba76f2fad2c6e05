using System.CommandLine;
using Zwarm.Cli.Repl;
using Zwarm.Core;
using Zwarm.Core.Sessions;
using Zwarm.Core.Text;

namespace Zwarm.Cli.Commands;

/// <summary>
/// zwarm interactive (alias i): a REPL over the same command tree. With a terminal: our line editor (history in
/// .zwarm/history, Tab completion of commands and session ids); otherwise plain lines from stdin, so scripts can drive it.
/// </summary>
internal static class InteractiveCommand
{
    /// <summary>The verb.</summary>
    public const string Name = "interactive";

    private const int HistorySize = 1000;

    /// <summary>
    /// True when Ctrl+C belongs to the REPL (the REPL, and commands run inside it), not to System.CommandLine's handler, which would end
    /// the invocation.
    /// </summary>
    public static bool HandlesInterrupt(CliHost host, ParseResult parse) => host.InRepl || parse.CommandResult.Command.Name == Name;

    /// <summary>The interactive command.</summary>
    public static Command Create(CliHost host)
    {
        var cmd = new Command(
            Name,
            "a REPL over these commands: history, Tab completion of commands and session ids, !shell, " +
            "Ctrl+C cancels only the running command");
        cmd.Aliases.Add("i");
        cmd.Options.Add(Options.Dir());
        cmd.SetAction(async (pr, ct) =>
        {
            if (host.InRepl) throw new ZwarmException("already in interactive mode", ExitCodes.Usage);
            var terminal = !Console.IsInputRedirected && !Console.IsOutputRedirected && ReferenceEquals(host.In, Console.In);
            var err = terminal ? new TailWriter(host.Err) : null;
            var repl = new CliHost(
                host.Console, host.Out, err ?? host.Err, host.ProjectDir, terminal ? new EditorTextReader(NewEditor(host), err!) : host.In)
            {
                RawOut = host.RawOut,
                TerminalOut = host.TerminalOut,
                Agents = host.Agents,
                Supervisor = host.Supervisor,
                InRepl = true,
            };
            var tree = new CommandTree(CliApp.Build(repl));
            History? history = null;
            ILineReader reader = new PlainLineReader(host.In);
            if (terminal)
            {
                history = await History.LoadAsync(repl.Layout.ReplHistory, HistorySize, ct);
                var store = new FileSessionStore(repl.ZwarmDir);
                var editor = NewEditor(host);
                editor.History = history.Entries;
                editor.Completer = new ReplCompleter(tree, store.EnumerateIds, id => Describe(store, id));
                reader = new TerminalLineReader(editor);
                host.Out.WriteLine($"zwarm interactive · {repl.ProjectDir}");
                host.Out.WriteLine(
                    "type help for commands · Tab completes commands and session ids · Ctrl+C cancels · Ctrl+D or quit leaves");
            }
            var loop = new ReplLoop(repl, tree, reader, history)
            {
                Prompt = terminal && host.Console.Profile.Capabilities.Ansi ? "\x1b[1;36mzwarm>\x1b[0m " : "zwarm> ",
                InheritedOptions = Inherited(pr),
                HandleSignals = true,
                ShellGetsTerminal = terminal,
            };
            return await loop.RunAsync(ct);
        });
        return cmd;
    }

    private static LineEditor NewEditor(CliHost host) => new(new ConsoleKeySource(), host.TerminalOut, ConsoleKeySource.Width);

    private static List<(string, string?)> Inherited(ParseResult pr)
    {
        var list = new List<(string, string?)>();
        if (CliApp.ConfigFile(pr) is { } config) list.Add(("--config", config));
        foreach (var set in CliApp.Sets(pr)) list.Add(("--set", set));
        if (CliApp.Verbose(pr)) list.Add(("--verbose", null));
        return list;
    }

    /// <summary>
    /// "status  task" for a session id in a completion list; read synchronously because Tab is handled inside a key loop.
    /// </summary>
    private static string? Describe(FileSessionStore store, string id)
    {
        if (store.TryReadNow(id) is not { } meta) return null;
        var task = UntrustedText.Visible(meta.Task.ReplaceLineEndings(" "));
        return $"{meta.Status.ToWire(),-9}  {TextCut.Cut(task, 60)}";
    }
}
