namespace Zwarm.Cli.Repl;

/// <summary>
/// Tab completion for the REPL: command names in the first word, option names after a dash, and session ids
/// (8-character short ids, plus "all" for kill and rm) wherever the command expects an id.
/// </summary>
internal sealed class ReplCompleter(CommandTree tree, Func<IEnumerable<string>> sessionIds, Func<string, string?>? describe = null)
    : ICompleter
{
    private const int MaxDescribed = 40;

    /// <inheritdoc />
    public Completions Complete(string line, int cursor)
    {
        var head = line[..cursor];
        if (head.TrimStart().StartsWith('!')) return Completions.None;
        var tokens = Tokenizer.Scan(head, lenient: true);
        var fresh = tokens.Count == 0 || tokens[^1].End < cursor;
        if (head.AsSpan(tokens.Count == 0 ? 0 : tokens[^1].End).Contains('#')) return Completions.None;
        if (!fresh && tokens[^1].Quoted) return Completions.None;
        var word = fresh ? "" : tokens[^1].Value;
        var start = fresh ? cursor : tokens[^1].Start;
        var before = tokens.Take(fresh ? tokens.Count : tokens.Count - 1).Select(t => t.Value).ToList();
        if (before.Count == 0) return new(start, Match(ReplParser.Words.Concat(tree.Verbs), word));

        var verb = before[0].ToLowerInvariant();
        if (verb is "help" or "h") return before.Count == 1 ? new(start, Match(tree.Verbs, word)) : Completions.None;
        if (verb == "killall") return Completions.None;
        var command = tree.Find(ReplParser.Canonical(verb));
        if (command is null) return Completions.None;
        var args = before.Skip(1).ToList();
        if (word.StartsWith('-')) return new(start, Match(tree.OptionNames(command), word));
        if (tree.AwaitsOptionValue(command, args)) return Completions.None;
        var position = tree.Positionals(command, args).Count;
        if (CommandTree.ArgumentAt(command, position) is not ("id" or "ids")) return Completions.None;

        var items = new List<CompletionItem>();
        if (position == 0 && command.Name is "kill" or "rm" && "all".StartsWith(word, StringComparison.OrdinalIgnoreCase))
            items.Add(new("all", command.Name == "kill" ? "every running session" : "every finished session"));
        items.AddRange(Ids(word));
        return new(start, items);
    }

    private List<CompletionItem> Ids(string word)
    {
        var prefix = word.ToLowerInvariant();
        var matches = new List<(string Text, string Id)>();
        // Short ids, except where two sessions share the first 8 characters (or more than 8 were typed).
        foreach (var g in sessionIds()
                     .Where(id => id.StartsWith(prefix, StringComparison.Ordinal))
                     .Order(StringComparer.Ordinal)
                     .GroupBy(id => id[..8]))
        {
            if (prefix.Length <= 8 && g.Count() == 1) matches.Add((g.Key, g.First()));
            else matches.AddRange(g.Select(id => (id, id)));
        }
        var withHints = describe is not null && matches.Count is > 1 and <= MaxDescribed;
        return matches.Select(m => new CompletionItem(m.Text, withHints ? describe!(m.Id) : null)).ToList();
    }

    private static List<CompletionItem> Match(IEnumerable<string> candidates, string word) =>
        candidates.Where(c => c.StartsWith(word, StringComparison.OrdinalIgnoreCase))
            .Distinct()
            .Order(StringComparer.Ordinal)
            .Select(c => new CompletionItem(c))
            .ToList();
}
