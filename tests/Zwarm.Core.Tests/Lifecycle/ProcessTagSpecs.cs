using System.Diagnostics;
using AwesomeAssertions;
using Zwarm.Core.Lifecycle;

namespace Zwarm.Core.Tests.Lifecycle;

/// <summary>
/// Which processes belong to a session (what `kill`, `rm` and reconciliation act on). A hook's process carries the
/// session's id as documented (<c>ZWARM_SESSION_ID</c>, with <c>ZWARM_EVENT</c>) but is not the session's; an empty id
/// (`hooks test` of an event with no session) belongs to nobody. Before this, `kill` of any test project killed every
/// hook run of `hooks test` on the machine.
/// </summary>
public sealed class ProcessTagSpecs
{
    private static Process Sleeper(params (string Key, string Value)[] env)
    {
        var psi = new ProcessStartInfo("sleep", "60") { UseShellExecute = false };
        foreach (var k in new[] { "ZWARM_SESSION_ID", "ZWARM_STORE", "ZWARM_EVENT" }) psi.Environment.Remove(k);
        foreach (var (k, v) in env) psi.Environment[k] = v;
        return Process.Start(psi)!;
    }

    [Fact(Timeout = 30_000)]
    public void A_session_process_is_tagged_and_a_hook_or_an_empty_id_is_not()
    {
        var id = Guid.NewGuid().ToString();
        using var agent = Sleeper(("ZWARM_SESSION_ID", id), ("ZWARM_STORE", "/tmp/x/.zwarm"));
        using var hook = Sleeper(("ZWARM_SESSION_ID", id), ("ZWARM_EVENT", "completed"));
        using var nobody = Sleeper(("ZWARM_SESSION_ID", ""));
        try
        {
            var tagged = ProcessInfo.TaggedWithStore().ToList();

            tagged.Should().ContainSingle(t => t.Pid == agent.Id).Which.Should().Be((agent.Id, id, "/tmp/x/.zwarm"));
            tagged.Should().NotContain(t => t.Pid == hook.Id, "a hook is not the session's process");
            tagged.Should().NotContain(t => t.Pid == nobody.Id, "an empty id tags nothing");
        }
        finally
        {
            foreach (var p in new[] { agent, hook, nobody }) p.Kill();
        }
    }
}
