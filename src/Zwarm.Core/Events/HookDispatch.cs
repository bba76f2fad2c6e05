using System.Diagnostics;
using Zwarm.Core.Agents;
using Zwarm.Core.Config;
using Zwarm.Core.Lifecycle;
using Zwarm.Core.Sessions;
using Zwarm.Core.Text;

namespace Zwarm.Core.Events;

/// <summary>Where the hooks of an event go once it is in the log. Firing must never wait for a hook.</summary>
public interface IHookSink
{
    /// <summary>Hands the event to its hooks and returns at once.</summary>
    void Fire(ZwarmEvent e, HookContext context);
}

/// <summary>What hooks see besides the event: the session's task and last reply, and the project.</summary>
public sealed record HookContext(string? Task, string? Reply, string ProjectDir, string ZwarmDir)
{
    /// <summary>Most characters of the reply passed to a hook (ZWARM_REPLY).</summary>
    public const int MaxReplyChars = 2000;

    /// <summary>The context of an event about <paramref name="m"/>.</summary>
    public static HookContext For(SessionMeta? m, string projectDir, string zwarmDir)
    {
        var reply = m is null ? null : SessionFacts.LastReply(m);
        if (reply is not null) reply = TextCut.Cut(reply, MaxReplyChars);
        return new HookContext(m?.Task, reply, projectDir, zwarmDir);
    }
}

/// <summary>
/// Runs the matching hooks in a detached <c>zwarm _hooks</c> process (its own session, no terminal), so a slow or
/// hanging hook delays neither the zwarm command that wrote the event nor the next event's hooks.
/// </summary>
public sealed class DetachedHookSink(SupervisorCommand zwarm) : IHookSink
{
    /// <inheritdoc/>
    public void Fire(ZwarmEvent e, HookContext context)
    {
        var setsid = AgentExecutable.FindOnPath("setsid");
        var psi = new ProcessStartInfo(setsid ?? zwarm.Executable) { UseShellExecute = false, WorkingDirectory = context.ProjectDir };
        if (setsid is not null) psi.ArgumentList.Add(zwarm.Executable);
        if (zwarm.Dll is not null) psi.ArgumentList.Add(zwarm.Dll);
        // The store travels as an argument: no environment side channel (a child zwarm reads nothing it was not told).
        psi.ArgumentList.Add("_hooks");
        psi.ArgumentList.Add(context.ZwarmDir);
        psi.Environment["ZWARM_HOOK_EVENT"] = System.Text.Encoding.UTF8.GetString(EventLog.Line(e)).TrimEnd('\n');
        psi.Environment["ZWARM_HOOK_TASK"] = context.Task ?? "";
        psi.Environment["ZWARM_HOOK_REPLY"] = context.Reply ?? "";
        foreach (var k in new[] { "ZWARM_SESSION_ID", "ZWARM_STORE" }) psi.Environment.Remove(k);
        try
        {
            using var p = Process.Start(psi);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or IOException)
        {
            // Hooks are best effort: a missing zwarm must not fail the session's bookkeeping.
        }
    }
}

/// <summary>Keeps events in memory (tests, hosts without a zwarm executable).</summary>
public sealed class RecordingHookSink : IHookSink
{
    private readonly List<(ZwarmEvent Event, HookContext Context)> _fired = [];

    /// <summary>Every event fired so far.</summary>
    public IReadOnlyList<(ZwarmEvent Event, HookContext Context)> Fired { get { lock (_fired) return [.. _fired]; } }

    /// <inheritdoc/>
    public void Fire(ZwarmEvent e, HookContext context)
    {
        lock (_fired) _fired.Add((e, context));
    }
}

/// <summary>Which hooks an event fires.</summary>
public static class HookMatch
{
    /// <summary>The configured hooks whose <c>on</c> lists the event.</summary>
    public static IReadOnlyList<HookConfig> For(ZwarmConfig config, string @event) => [.. config.Hooks.Where(h => h.Matches(@event))];
}
