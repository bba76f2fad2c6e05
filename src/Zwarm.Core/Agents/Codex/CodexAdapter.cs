using Zwarm.Core.Config;
using Zwarm.Core.Sessions;

namespace Zwarm.Core.Agents.Codex;

/// <summary>The OpenAI Codex CLI (npm @openai/codex), run as <c>codex exec --json</c>.</summary>
internal sealed class CodexAdapter : IAgentAdapter
{
    private const string BypassFlag = "--dangerously-bypass-approvals-and-sandbox";
    private static readonly string[] SandboxModes = ["read-only", "workspace-write", "danger-full-access"];

    /// <inheritdoc/>
    public string Name => "codex";

    /// <inheritdoc />
    public IReadOnlyList<string> Aliases => ["codex_mcp", "codex_exec"];

    /// <inheritdoc/>
    public string DefaultModel => "gpt-5.1-codex-mini";

    /// <inheritdoc/>
    public IReadOnlyList<ModelInfo> Models { get; } =
    [
        new("gpt-5.1-codex-mini", "codex", ["mini"], new ModelPrice(0.25, 2.00, 0.025), "fast and cheap; the default"),
        new("gpt-5.1-codex", "codex", ["codex"], new ModelPrice(1.25, 10.00, 0.125), "balanced coding model"),
        new("gpt-5.1-codex-max", "codex", ["max"], new ModelPrice(1.25, 10.00, 0.125), "long-horizon coding model"),
        new("gpt-5.5", "codex", [], new ModelPrice(1.25, 10.00, 0.125), "general model in codex's catalogue"),
    ];

    /// <inheritdoc/>
    public string TomlTemplate => $$"""
        # Codex settings. Every key except model and full_danger is passed to codex as -c key=value,
        # tables as dotted keys (sandbox_workspace_write.network_access=true); see codex's config reference.
        # model = "{{DefaultModel}}"
        # full_danger = false            # true: --dangerously-bypass-approvals-and-sandbox (no sandbox at all)
        # model_reasoning_effort = "medium"
        # approval_policy = "never"
        #
        # [sandbox_workspace_write]
        # network_access = true

        """;

    /// <inheritdoc/>
    public AgentCommand BuildCommand(TurnRequest request)
    {
        var config = request.Config;
        var session = request.Session;
        var settings = CodexToml.Read(config.AdapterToml(Name));
        // A read-only session (a review) is sandboxed read-only whatever the settings say.
        var readOnly = session.ReadOnly == true;
        var fullDanger = settings.FullDanger && !readOnly;
        var sandbox = readOnly ? "read-only" : fullDanger ? null : Sandbox(config.Executor.Sandbox);
        var workDir = WorkingDirectory(session, config.ProjectDir);
        var model = session.Model is { Length: > 0 } m ? m : DefaultModel;
        var forkFrom = request.Turn == 1 ? ResumableThreadId(request.ForkFrom) : null;
        var threadId = request.Turn > 1 ? ResumableThreadId(session.AgentSessionId) : forkFrom;
        var prompt = request.Turn > 1 && threadId is null ? ReplayPrompt.Build(session, request.Prompt) : request.Prompt;
        var exe = request.Executable
            ?? AgentExecutable.Resolve("codex", config.AdapterCommand("codex"), config.ProjectDir, "@openai/codex");

        var args = new List<string>();
        foreach (var o in settings.Overrides) args.AddRange(["-c", o]);
        args.Add("exec");
        if (threadId is not null) args.Add(forkFrom is not null ? "fork" : "resume");
        args.AddRange(["--json", "--skip-git-repo-check", "--model", model]);
        if (threadId is null)
        {
            args.AddRange(["-C", workDir]);
            if (sandbox is not null) args.AddRange(["--sandbox", sandbox]);
        }
        else if (sandbox is not null)
        {
            // `exec resume` and `exec fork` have no --sandbox (nor -C): the same setting as a config override.
            args.AddRange(["-c", "sandbox_mode=" + CodexToml.Render(sandbox)]);
        }
        if (fullDanger) args.Add(BypassFlag);
        if (threadId is not null) args.Add(threadId);
        args.AddRange(["--", prompt]);
        return new AgentCommand(exe, args, workDir);
    }

    /// <inheritdoc/>
    public ITurnParser CreateParser(bool collectTrajectory) => new CodexParser(collectTrajectory);

    private static string WorkingDirectory(SessionMeta session, string projectDir)
        => Path.GetFullPath(string.IsNullOrWhiteSpace(session.WorkingDir) ? projectDir : Path.Combine(projectDir, session.WorkingDir));

    private static string? Sandbox(string? sandbox)
    {
        if (string.IsNullOrWhiteSpace(sandbox)) return null;
        return SandboxModes.Contains(sandbox)
            ? sandbox
            : throw new ZwarmException($"bad value for 'executor.sandbox': expected {string.Join(", ", SandboxModes)}, got \"{sandbox}\"");
    }

    // A thread id is a UUID; anything that could be read as an option is not resumable.
    private static string? ResumableThreadId(string? id)
        => string.IsNullOrWhiteSpace(id) || id.StartsWith('-') || id.Any(char.IsWhiteSpace) ? null : id;
}
