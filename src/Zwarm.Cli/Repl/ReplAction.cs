namespace Zwarm.Cli.Repl;

/// <summary>What one REPL line asks for.</summary>
internal abstract record ReplAction
{
    /// <summary>A blank line or a comment.</summary>
    public sealed record Nothing : ReplAction;

    /// <summary>quit, exit, q.</summary>
    public sealed record Quit : ReplAction;

    /// <summary>help (the REPL's command list).</summary>
    public sealed record Help : ReplAction;

    /// <summary>!command: run it with /bin/sh in the project folder.</summary>
    public sealed record Shell(string Command) : ReplAction;

    /// <summary>A command of the tree, with its arguments (first the verb).</summary>
    public sealed record Run(IReadOnlyList<string> Args) : ReplAction
    {
        /// <summary>Ask before running (rm all without -y): "remove all N finished sessions?".</summary>
        public bool ConfirmRemoveFinished { get; init; }
    }

    /// <summary>A line that cannot be run; the message says why.</summary>
    public sealed record Invalid(string Message) : ReplAction;
}
