namespace Zwarm.Cli.Repl;

/// <summary>The REPL's <c>help</c>: its commands (those the tree has), the other verbs, and the keys.</summary>
internal static class ReplHelp
{
    private static readonly (string Verb, string Usage, string What)[] Rows =
    [
        ("spawn", "spawn \"task\" [-a codex|claude] [-m model] [-d dir] [--wait]", "start a session (returns at once; --async accepted)"),
        ("continue", "c ID \"message\" [--wait]", "a follow-up turn (also: continue, ca)"),
        ("kill", "kill ID | all", "stop a session, or every running one (also: killall)"),
        ("rm", "rm ID | all [-y]", "remove a session, or every finished one (asks unless -y)"),
        ("clean", "clean [--keep-days N] [-y]", "remove finished sessions older than N days"),
        ("ls", "ls [--all] [--status s]", "summary and table of sessions"),
        ("peek", "? ID  |  peek ID", "one-glance status and the last reply"),
        ("show", "show ID [-v]", "the whole conversation"),
        ("traj", "traj ID [--full]", "reasoning, commands, tool calls, file changes"),
        ("watch", "watch [ID]", "live view of one session, or a dashboard (Ctrl+C stops)"),
        ("models", "models", "models, aliases and prices"),
        ("", "!command", "run a shell command in the project folder"),
        ("", "help [COMMAND]", "this list, or a command's options"),
        ("", "quit | exit | Ctrl+D", "leave"),
    ];

    /// <summary>Writes the help text.</summary>
    public static void Write(TextWriter output, CommandTree tree)
    {
        var rows = Rows.Where(r => r.Verb.Length == 0 || tree.Find(r.Verb) is not null).ToList();
        var width = rows.Max(r => r.Usage.Length) + 2;
        output.WriteLine("Commands (ids: any unique prefix; Tab completes them):");
        foreach (var (_, usage, what) in rows) output.WriteLine($"  {usage.PadRight(width)}{what}");
        var others = tree.Commands.Select(c => c.Name).Where(n => Rows.All(r => r.Verb != n)).ToList();
        if (others.Count > 0)
            output.WriteLine($"Also: {string.Join(", ", others)} (every zwarm command works here; 'help COMMAND' shows its options)");
        output.WriteLine("Keys: ←/→ Home/End Ctrl+A/E move · Backspace/Delete Ctrl+U/K/W delete · " +
                         "↑/↓ history · Tab completes · Ctrl+L clears");
        output.WriteLine("      Ctrl+C cancels the line or the running command (never the REPL) · " +
                         "quoting and # comments work like a shell");
    }
}
