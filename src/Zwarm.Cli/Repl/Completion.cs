namespace Zwarm.Cli.Repl;

/// <summary>One candidate for Tab: the text that replaces the word, and an optional hint shown when listing.</summary>
internal sealed record CompletionItem(string Text, string? Hint = null);

/// <summary>Candidates for the word that starts at <see cref="Start"/> and ends at the cursor.</summary>
internal sealed record Completions(int Start, IReadOnlyList<CompletionItem> Items)
{
    /// <summary>Nothing to offer.</summary>
    public static Completions None { get; } = new(0, []);
}

/// <summary>Offers completions for the word before the cursor.</summary>
internal interface ICompleter
{
    /// <summary>Candidates for <paramref name="line"/> with the cursor at <paramref name="cursor"/>.</summary>
    Completions Complete(string line, int cursor);
}
