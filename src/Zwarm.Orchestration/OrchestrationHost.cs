using System.Text.Json.Nodes;
using Zwarm.Core.Lifecycle;
using Zwarm.Orchestration.Loop;
using Zwarm.Orchestration.State;
using Zwarm.Orchestration.Telemetry;

namespace Zwarm.Orchestration;

/// <summary>The entry points the command line calls: orchestrate, pilot, and the instance queries (instances, history, reset).</summary>
internal static class OrchestrationHost
{
    /// <summary>Runs zwarm orchestrate with telemetry on when configured; returns the exit code.</summary>
    public static async Task<int> OrchestrateAsync(
        SessionManager manager, TextWriter output, OrchestrateRequest request, CancellationToken ct)
    {
        using var tracing = ZwarmTelemetry.Start(manager.Config.Telemetry);
        var result = await new OrchestrateRunner(new OrchestratorServices { Manager = manager, Out = output }).RunAsync(request, ct);
        return result.ExitCode;
    }

    /// <summary>Runs zwarm pilot reading the person's lines from <paramref name="input"/>; returns the exit code.</summary>
    public static async Task<int> PilotAsync(
        SessionManager manager, TextReader input, TextWriter output, PilotRequest request, CancellationToken ct)
    {
        using var tracing = ZwarmTelemetry.Start(manager.Config.Telemetry);
        var result = await new PilotRunner(new OrchestratorServices { Manager = manager, Out = output }, input).RunAsync(request, ct);
        return result.ExitCode;
    }

    /// <summary>Instances, newest first: all, or only those not completed or aborted.</summary>
    public static async Task<IReadOnlyList<InstanceRecord>> InstancesAsync(string zwarmDir, bool all, CancellationToken ct)
    {
        var list = await new InstanceRegistry(zwarmDir).ListAsync(ct);
        return all ? list : [.. list.Where(i => !InstanceStatuses.IsFinal(i.Status))];
    }

    /// <summary>The last <paramref name="count"/> events of one instance or of all, oldest first, each with its "instance".</summary>
    public static async Task<IReadOnlyList<JsonObject>> HistoryAsync(
        string zwarmDir, string? instance, string? kind, int count, CancellationToken ct)
    {
        var registry = new InstanceRegistry(zwarmDir);
        var instances = instance is null ? await registry.ListAsync(ct) : [await registry.ResolveAsync(instance, ct)];
        var events = new List<JsonObject>();
        foreach (var rec in instances)
            foreach (var e in await InstanceState.ReadEventsAsync(InstanceState.EventsFileOf(registry.InstanceDir(rec.Id)), ct))
            {
                if (kind is not null && !string.Equals(e["kind"]?.GetValue<string>(), kind, StringComparison.OrdinalIgnoreCase)
                    && !string.Equals(e["tool"]?.GetValue<string>(), kind, StringComparison.OrdinalIgnoreCase)) continue;
                e.Insert(1, "instance", rec.Id);
                events.Add(e);
            }
        return [.. events.OrderBy(e => e["ts"]?.GetValue<string>(), StringComparer.Ordinal).TakeLast(Math.Max(1, count))];
    }

    /// <summary>The registry (for reset and confirmations).</summary>
    public static InstanceRegistry Registry(string zwarmDir) => new(zwarmDir);
}
