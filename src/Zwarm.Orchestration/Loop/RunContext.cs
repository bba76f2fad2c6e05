using Microsoft.Extensions.AI;
using Zwarm.Core;
using Zwarm.Core.Config;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;
using Zwarm.Orchestration.Llm;
using Zwarm.Orchestration.State;
using Zwarm.Orchestration.Tools;
using Zwarm.Orchestration.Watchers;
using Zwarm.Core.Text;

namespace Zwarm.Orchestration.Loop;

/// <summary>What an orchestrate or pilot run needs from outside: sessions, output, clock and how to reach the LLM.</summary>
internal sealed class OrchestratorServices
{
    /// <summary>The same session manager the CLI uses.</summary>
    public required SessionManager Manager { get; init; }

    /// <summary>Where step lines and replies go.</summary>
    public required TextWriter Out { get; init; }

    /// <summary>Clock (sleep, timestamps).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Environment lookup (API key, OTLP endpoint).</summary>
    public Func<string, string?> Env { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>Builds the chat client for the settings (tests may wrap it).</summary>
    public Func<LlmSettings, IChatClient> ClientFactory { get; init; } = s => s.CreateClient();

    /// <summary>Retries of 429/5xx.</summary>
    public LlmRetryOptions Retry { get; init; } = new();

    /// <summary>How often sleep looks at the sessions.</summary>
    public TimeSpan SleepPoll { get; init; } = TimeSpan.FromMilliseconds(400);

    /// <summary>How long the bash tool may run.</summary>
    public TimeSpan BashTimeout { get; init; } = TimeSpan.FromSeconds(120);
}

/// <summary>How a run ended.</summary>
internal sealed record RunResult(string InstanceId, string Status, string? Summary, int ExitCode);

/// <summary>Everything one run of an instance uses, assembled once: state, tools, watchers, LLM and the step engine.</summary>
internal sealed class RunContext
{
    private RunContext(OrchestratorServices services, InstanceRegistry registry, InstanceRecord instance, InstanceState state,
        ToolContext tools, StepEngine engine, LlmSettings llm, StepPrinter printer, ProjectContext? project)
    {
        Project = project;
        Services = services;
        Registry = registry;
        Instance = instance;
        State = state;
        Tools = tools;
        Engine = engine;
        Llm = llm;
        Printer = printer;
    }

    public OrchestratorServices Services { get; }
    public InstanceRegistry Registry { get; }
    public InstanceRecord Instance { get; private set; }
    public InstanceState State { get; }
    public ToolContext Tools { get; }
    public StepEngine Engine { get; }
    public LlmSettings Llm { get; }
    public StepPrinter Printer { get; }

    /// <summary>The project's zwarm.yaml (description, context, constraints), for the system prompt; null without one.</summary>
    public ProjectContext? Project { get; }

    public SessionManager Manager => Services.Manager;

    /// <summary>Settings and watchers are checked before anything is written, so a bad config changes nothing on disk.</summary>
    public static async Task<RunContext> OpenAsync(OrchestratorServices services, OrchestratorMode mode, bool resume, string? instance,
        string? name, string? task, CancellationToken ct)
    {
        var config = services.Manager.Config;
        var llm = LlmSettings.Resolve(config.Orchestrator, services.Env);
        var watchers = WatcherSet.FromConfig(config.Watchers);
        var project = await ProjectContext.LoadAsync(config.ProjectDir, ct);
        var registry = new InstanceRegistry(services.Manager.Store.Root, services.Time);
        var kind = mode == OrchestratorMode.Orchestrate ? InstanceKinds.Orchestrate : InstanceKinds.Pilot;
        InstanceRecord record;
        if (resume)
        {
            if (instance is null) throw new ZwarmException("--resume needs --instance ID (see zwarm instances --all)", ExitCodes.Usage);
            record = await registry.ResolveAsync(instance, ct);
            if (record.Kind != kind)
                throw new ZwarmException(
                    $"instance {record.Id} was started by zwarm {record.Kind}; " +
                    $"resume it with zwarm {record.Kind} --resume --instance {record.Id}",
                    ExitCodes.Usage);
            record = await registry.ClaimAsync(record.Id, ct);
        }
        else
        {
            if (instance is not null) throw new ZwarmException("--instance is only used with --resume", ExitCodes.Usage);
            record = await registry.CreateAsync(kind, name, task, llm.Model, ct);
        }
        var state = await InstanceState.OpenAsync(registry.InstanceDir(record.Id), services.Time, ct);
        if (resume && state.Messages.Count == 0)
            throw new ZwarmException($"instance {record.Id} has no saved messages ({state.MessagesPath}); start a new run instead");
        var tools = new ToolContext
        {
            Manager = services.Manager, Instance = record, State = state, Mode = mode, Time = services.Time, SleepPoll = services.SleepPoll,
            BashTimeout = services.BashTimeout,
        };
        var printer = new StepPrinter(services.Out);
        var caller = new LlmCaller(services.ClientFactory(llm), llm, services.Retry, m => printer.Note(m), services.Time);
        var engine = new StepEngine(caller, new ToolRunner(tools), watchers, config.Orchestrator, config.Watchers.MessageRole, printer);
        return new RunContext(services, registry, record, state, tools, engine, llm, printer, project);
    }

    /// <summary>Updates the registry entry from the state (steps, turns) plus the given change.</summary>
    public async Task UpdateRecordAsync(Action<InstanceRecord>? change = null)
    {
        Instance = await Registry.UpdateAsync(Instance.Id, r =>
        {
            r.Steps = State.Progress.Steps;
            r.Turns = State.Progress.Turns;
            change?.Invoke(r);
        }, CancellationToken.None);
    }

    /// <summary>One line per session of this instance, for the resume note.</summary>
    public async Task<List<string>> SessionLinesAsync(CancellationToken ct) =>
        [.. (await Tools.MySessionsAsync(ct))
            .Select(m => $"{m.ShortId} {m.Status.ToWire()} (turn {m.Turn}): {TextCut.OneLine(m.Task, 60)}")];
}
