using Zwarm.Core.Config;

namespace Zwarm.Core.Agents.Claude;

/// <summary>
/// Claude Code (<c>claude</c>, npm @anthropic-ai/claude-code):
/// <c>claude -p PROMPT --output-format stream-json --verbose --model M [flags from claude.toml] [--resume ID]</c>,
/// run in the session's working dir.
/// </summary>
internal sealed class ClaudeAdapter : IAgentAdapter
{
    private readonly Func<bool> _isRoot;

    /// <summary>An adapter; <paramref name="isRoot"/> replaces the effective-user check (for tests).</summary>
    public ClaudeAdapter(Func<bool>? isRoot = null) => _isRoot = isRoot ?? RunningAsRoot;

    /// <inheritdoc />
    public string Name => "claude";

    /// <inheritdoc />
    public IReadOnlyList<string> Aliases => ["claude_code"];

    /// <inheritdoc />
    public string DefaultModel => "sonnet";

    /// <inheritdoc />
    public IReadOnlyList<ModelInfo> Models { get; } =
    [
        new("sonnet", "claude",
            [
                "claude-sonnet-4-5", "claude-sonnet-4-5-20250929", "sonnet-4.5", "sonnet-4-5", "claude-sonnet-4", "claude-sonnet-4-0",
                "claude-sonnet-4-20250514", "sonnet-4",
            ],
            new ModelPrice(3, 15, 0.30), "Claude Sonnet: the balanced default"),
        new("opus", "claude",
            [
                "claude-opus-4-1", "claude-opus-4-1-20250805", "opus-4.1", "opus-4-1", "claude-opus-4", "claude-opus-4-0",
                "claude-opus-4-20250514", "opus-4",
            ],
            new ModelPrice(15, 75, 1.50), "Claude Opus: most capable, slowest and dearest"),
        new("haiku", "claude",
            ["claude-haiku-4-5", "claude-haiku-4-5-20251001", "haiku-4.5", "haiku-4-5"],
            new ModelPrice(1, 5, 0.10), "Claude Haiku: fastest and cheapest"),
    ];

    /// <inheritdoc />
    public AgentCommand BuildCommand(TurnRequest request)
    {
        var config = request.Config;
        var settings = ClaudeSettings.Parse(config.AdapterToml(Name), config.ProjectDir);
        var exe = request.Executable
            ?? AgentExecutable.Resolve("claude", config.AdapterCommand("claude"), config.ProjectDir, "@anthropic-ai/claude-code");
        var session = request.Session;

        // A resumed run may report a new session id (older Claude Code forked on --resume); the newest one holds the whole conversation.
        var forkFrom = request.Turn == 1 ? FirstNonEmpty(request.ForkFrom, null) : null;
        var resumeId = request.Turn > 1 ? FirstNonEmpty(session.AgentSessionIdLatest, session.AgentSessionId) : forkFrom;
        var prompt = request.Turn > 1 && resumeId is null ? ReplayPrompt.Build(session, request.Prompt) : request.Prompt;
        // Claude's option parser rejects a prompt that looks like an option ("error: unknown option '-x'"); after "--" it is plain text.
        var afterDashes = prompt.StartsWith('-');

        List<string> args = ["-p"];
        if (!afterDashes) args.Add(prompt);
        args.AddRange(["--output-format", "stream-json", "--verbose", "--model", session.Model is { Length: > 0 } m ? m : DefaultModel]);
        args.AddRange(settings.Flags());
        if (resumeId is not null) args.AddRange(["--resume", resumeId]);
        if (forkFrom is not null) args.Add("--fork-session");
        // A read-only session (a review) gets no tool that edits files.
        if (session.ReadOnly == true) args.AddRange(["--disallowedTools", "Edit,MultiEdit,Write,NotebookEdit"]);
        if (afterDashes) args.AddRange(["--", prompt]);

        var env = new Dictionary<string, string?>(StringComparer.Ordinal);
        // As root Claude Code refuses to bypass permissions ("cannot be used with root/sudo privileges") unless told it is sandboxed.
        if (settings.BypassesPermissions && _isRoot()) env["IS_SANDBOX"] = "1";

        var dir = session.WorkingDir is { Length: > 0 } wd ? wd : config.ProjectDir;
        return new AgentCommand(exe, args, Path.GetFullPath(dir)) { Environment = env };
    }

    /// <inheritdoc />
    public ITurnParser CreateParser(bool collectTrajectory) => new ClaudeParser(collectTrajectory);

    private static string? FirstNonEmpty(string? a, string? b)
        => !string.IsNullOrWhiteSpace(a) ? a : !string.IsNullOrWhiteSpace(b) ? b : null;

    // Environment.UserName is looked up from the effective uid on Unix.
    private static bool RunningAsRoot() => !OperatingSystem.IsWindows() && Environment.UserName == "root";
}
