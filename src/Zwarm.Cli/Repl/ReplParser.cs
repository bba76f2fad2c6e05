namespace Zwarm.Cli.Repl;

/// <summary>
/// Turns a REPL line into an action: REPL words (help, quit, !shell) and zwarm's older spellings
/// (? = peek, c/ca = continue, kill all/killall = kill --all, rm all = rm --finished, spawn --async) are mapped
/// onto the command tree; everything else is passed to the tree unchanged.
/// </summary>
internal sealed class ReplParser(CommandTree tree)
{
    /// <summary>Words the REPL understands beyond the tree's verbs (for completion).</summary>
    public static IReadOnlyList<string> Words { get; } = ["help", "quit", "exit", "killall", "ca", "?"];

    /// <summary>Commands whose last argument is free text (a task or a message): unquoted words are taken literally.</summary>
    private static readonly HashSet<string> FreeText = ["spawn", "exec", "continue"];

    /// <summary>The tree's verb for a REPL spelling.</summary>
    public static string Canonical(string verb) => verb switch
    {
        "?" => "peek",
        "ca" => "continue",
        "killall" => "kill",
        _ => verb,
    };

    /// <summary>Parses one line.</summary>
    public ReplAction Parse(string line)
    {
        var trimmed = line.Trim();
        if (trimmed.Length == 0) return new ReplAction.Nothing();
        if (trimmed[0] == '!')
        {
            var shell = trimmed[1..].Trim();
            return shell.Length == 0
                ? new ReplAction.Invalid("usage: !command (runs it with /bin/sh in the project folder)")
                : new ReplAction.Shell(shell);
        }
        List<string> words;
        try
        {
            // The task of spawn and the message of continue are free text: their unquoted words are taken literally.
            var first = trimmed.Split((char[]?)null, 2)[0].ToLowerInvariant();
            words = tree.Find(Canonical(first))?.Name is { } name && FreeText.Contains(name)
                ? Tokenizer.SplitLiteral(line)
                : Tokenizer.Split(line);
        }
        catch (TokenizeException ex)
        {
            return new ReplAction.Invalid(ex.Message);
        }
        if (words.Count == 0) return new ReplAction.Nothing();
        var verb = words[0].ToLowerInvariant();
        var rest = words.Skip(1).ToList();
        var all = rest.Count > 0 && rest[0].Equals("all", StringComparison.OrdinalIgnoreCase);
        switch (verb)
        {
            case "quit" or "exit" or "q": return new ReplAction.Quit();
            case "help" or "h" when rest.Count == 0: return new ReplAction.Help();
            case "help" or "h": return Run([Canonical(rest[0].ToLowerInvariant()), "--help"]);
            case "?" when rest.Count == 0: return new ReplAction.Help();
            case "interactive" or "i": return new ReplAction.Invalid("already in interactive mode");
            case "killall": return Run(["kill", "--all", .. rest]);
            case "kill" when all: return Run(["kill", "--all", .. rest.Skip(1)]);
            case "rm" or "delete" when all:
                return Run(["rm", "--finished", .. rest.Skip(1)], confirm: !rest.Any(a => a is "-y" or "--yes"));
        }
        var command = tree.Find(Canonical(verb));
        if (command is null) return new ReplAction.Invalid($"unknown command '{words[0]}' (type 'help' for the list)");
        if (command.Name is "spawn" or "exec") rest.RemoveAll(a => a == "--async");
        if (FreeText.Contains(command.Name)) rest = JoinTrailingWords(command, rest);
        return Run([command.Name, .. rest]);
    }

    private ReplAction Run(List<string> args, bool confirm = false) =>
        tree.Find(args[0]) is null
            ? new ReplAction.Invalid($"unknown command '{args[0]}' (type 'help' for the list)")
            : new ReplAction.Run(args) { ConfirmRemoveFinished = confirm };

    private List<string> JoinTrailingWords(System.CommandLine.Command command, List<string> args)
    {
        var positionals = tree.Positionals(command, args);
        var count = command.Arguments.Count;
        if (count == 0 || positionals.Count <= count || command.Arguments[^1].Arity.MaximumNumberOfValues > 1) return args;
        var text = positionals.Skip(count - 1).ToList();
        var joined = new List<string>(args);
        joined[text[0]] = string.Join(' ', text.Select(i => args[i]));
        foreach (var i in text.Skip(1).Reverse()) joined.RemoveAt(i);
        return joined;
    }
}
