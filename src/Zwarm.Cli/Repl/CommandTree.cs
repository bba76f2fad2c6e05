using System.CommandLine;
using Zwarm.Cli.Commands;

namespace Zwarm.Cli.Repl;

/// <summary>What the REPL needs to know about the command tree: verbs, their options and which positions take session ids.</summary>
internal sealed class CommandTree(RootCommand root)
{
    /// <summary>The root the REPL runs commands through.</summary>
    public RootCommand Root { get; } = root;

    /// <summary>Visible verbs (hidden ones and the REPL itself left out).</summary>
    public IEnumerable<Command> Commands => Root.Subcommands.Where(c => !c.Hidden && c.Name != InteractiveCommand.Name);

    /// <summary>The command named <paramref name="verb"/> (name or alias), or null.</summary>
    public Command? Find(string verb) => Root.Subcommands.FirstOrDefault(c => c.Name == verb || c.Aliases.Contains(verb));

    /// <summary>Every visible name and alias.</summary>
    public IEnumerable<string> Verbs => Commands.SelectMany(c => c.Aliases.Prepend(c.Name));

    /// <summary>Visible option spellings of a command, long names first.</summary>
    public IEnumerable<string> OptionNames(Command command) =>
        command.Options.Concat(Root.Options.Where(o => o.Recursive)).Where(o => !o.Hidden)
            .SelectMany(o => o.Aliases.Where(a => a.StartsWith('-')).Prepend(o.Name)).Distinct();

    /// <summary>
    /// Indexes in <paramref name="args"/> (the words after the verb) that are positional arguments, not options or option values.
    /// </summary>
    public List<int> Positionals(Command command, IReadOnlyList<string> args) => Walk(command, args).Positionals;

    /// <summary>True when the last word is an option that still waits for its value.</summary>
    public bool AwaitsOptionValue(Command command, IReadOnlyList<string> args) => Walk(command, args).AwaitingValue;

    private (List<int> Positionals, bool AwaitingValue) Walk(Command command, IReadOnlyList<string> args)
    {
        var positionals = new List<int>();
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (a == "--")
            {
                for (var j = i + 1; j < args.Count; j++) positionals.Add(j);
                break;
            }
            if (a.Length > 1 && a[0] == '-')
            {
                if (TakesValue(command, a) && !a.Contains('=') && ++i == args.Count) return (positionals, true);
                continue;
            }
            positionals.Add(i);
        }
        return (positionals, false);
    }

    /// <summary>
    /// The name of the argument at positional index <paramref name="position"/> (a variadic argument takes all the rest).
    /// </summary>
    public static string? ArgumentAt(Command command, int position)
    {
        var index = 0;
        foreach (var a in command.Arguments)
        {
            if (a.Arity.MaximumNumberOfValues > 1 || index == position) return a.Name;
            index++;
        }
        return null;
    }

    private bool TakesValue(Command command, string token)
    {
        var name = token.Split('=', 2)[0];
        var option = command.Options.Concat(Root.Options.Where(o => o.Recursive))
            .FirstOrDefault(o => o.Name == name || o.Aliases.Contains(name));
        return option is not null && option.ValueType != typeof(bool) && option.Arity.MaximumNumberOfValues > 0;
    }
}
