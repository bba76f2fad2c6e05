using System.Globalization;
using Zwarm.Core.Events;
using Zwarm.Core.Sessions;

namespace Zwarm.Core.Lifecycle;

public sealed partial class SessionManager
{
    /// <summary>.zwarm/events.jsonl.</summary>
    public EventLog Events => field ??= new EventLog(Store.Root, Config.Events.MaxBytes, Config.Events.Keep);

    /// <summary>Where hooks go: a detached <c>zwarm _hooks</c> when zwarm can call itself; null = no hooks.</summary>
    public IHookSink? HookSink { get; set; }

    /// <summary>
    /// Writes an event about <paramref name="m"/> (as it is now) to the event log and fires its hooks. Never throws for
    /// an I/O problem: bookkeeping of a session must not fail because its log line could not be written.
    /// </summary>
    public ZwarmEvent? RecordEvent(SessionMeta m, string @event, string? reason = null)
        => Record(ZwarmEvent.For(m, @event, reason, Now, CostOf(m)), m);

    /// <summary>Writes an event that is not about one session (e.g. an orchestrator instance over its budget).</summary>
    public ZwarmEvent? RecordEvent(ZwarmEvent e) => Record(e with { Ts = e.Ts == default ? Now : e.Ts }, null);

    private ZwarmEvent? Record(ZwarmEvent e, SessionMeta? m)
    {
        try
        {
            Events.Append(e);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        if (HookSink is { } sink && HookMatch.For(Config, e.Event).Count > 0)
            sink.Fire(e, HookContext.For(m, Config.ProjectDir, Store.Root));
        return e;
    }

    /// <summary>USD: reported by the agent, else estimated from the registry price; null when unknown.</summary>
    public double? CostOf(SessionMeta m) => Agents.Models.CostOf(m, Config.Prices);

    internal static string Clock(DateTimeOffset t) => t.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture);
}
