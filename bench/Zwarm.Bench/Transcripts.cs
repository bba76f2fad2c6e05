using System.Text;
using System.Text.Json;

namespace Zwarm.Bench;

/// <summary>
/// Synthetic agent transcripts shaped like the real captures in tests/fixtures/agents: the same event types and
/// fields, in the order the CLIs emit them. What makes a real transcript big is tool output, so each round carries
/// one command output of log-uniform size (16 B – 64 KiB, mean ≈ 8 KiB) of log-like text with quotes, tabs,
/// backslashes and non-ASCII; Claude Code repeats an output in <c>tool_use_result.stdout</c>, as it does for real.
/// </summary>
internal static class Transcripts
{
    private const string Thread = "01a21dc4-7b9f-7de0-b530-721eb6978559";
    private const string ClaudeSession = "f116d513-53fd-4e81-8c18-9f30c8b4322a";

    /// <summary>Writes a transcript of about <paramref name="bytes"/> bytes (whole rounds, then the closing events); returns its size.</summary>
    public static long Write(string path, string agent, long bytes, int seed = 8)
    {
        var rng = new Random(seed);
        var outputs = Enumerable.Range(0, 97).Select(_ => JsonSerializer.Serialize(Output(rng))).ToArray();
        using var w = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
        var codex = agent == "codex";
        foreach (var line in codex ? CodexStart() : ClaudeStart()) w.WriteLine(line);
        for (var i = 0; w.BaseStream.Position < bytes - 4096; i++)
            foreach (var line in codex ? CodexRound(i, outputs[rng.Next(outputs.Length)]) : ClaudeRound(i, outputs[rng.Next(outputs.Length)]))
                w.WriteLine(line);
        foreach (var line in codex ? CodexEnd() : ClaudeEnd()) w.WriteLine(line);
        w.Flush();
        return w.BaseStream.Length;
    }

    /// <summary>A short codex event stream of <paramref name="lines"/> lines (no big outputs), for agents that stream for a while.</summary>
    public static void WriteStream(string path, int lines)
    {
        var all = CodexStart().Concat(Enumerable.Range(0, lines).SelectMany(i => CodexRound(i, "\"ok\\n\""))).Take(lines - 2).Concat(CodexEnd());
        File.WriteAllLines(path, all);
    }

    private static IEnumerable<string> CodexStart() =>
    [
        $$$"""{"type":"thread.started","thread_id":"{{{Thread}}}"}""",
        """{"type":"turn.started"}""",
    ];

    private static IEnumerable<string> CodexRound(int i, string output)
    {
        var cmd = $"/bin/bash -lc 'dotnet test --filter Round{i} 2>&1 | tail -n 200'";
        if (i % 3 == 0)
            yield return $$$"""{"type":"item.completed","item":{"id":"item_{{{4 * i}}}","type":"reasoning","text":"**Checking round {{{i}}}**\n\nThe previous command printed a failure in `FileSessionStore.cs`; I will rerun the focused test and read the \"expected\" line."}}""";
        yield return $$$"""{"type":"item.completed","item":{"id":"item_{{{4 * i + 1}}}","type":"agent_message","text":"Running the focused tests for round {{{i}}}."}}""";
        yield return $$$"""{"type":"item.started","item":{"id":"item_{{{4 * i + 2}}}","type":"command_execution","command":{{{JsonSerializer.Serialize(cmd)}}},"aggregated_output":"","exit_code":null,"status":"in_progress"}}""";
        var code = i % 10 == 7 ? 1 : 0;
        yield return $$$"""{"type":"item.completed","item":{"id":"item_{{{4 * i + 2}}}","type":"command_execution","command":{{{JsonSerializer.Serialize(cmd)}}},"aggregated_output":{{{output}}},"exit_code":{{{code}}},"status":"{{{(code == 0 ? "completed" : "failed")}}}"}}""";
        if (i % 4 == 1)
        {
            yield return $$$"""{"type":"item.started","item":{"id":"item_{{{4 * i + 3}}}","type":"file_change","changes":[{"path":"/work/project/src/File{{{i}}}.cs","kind":"update"}],"status":"in_progress"}}""";
            yield return $$$"""{"type":"item.completed","item":{"id":"item_{{{4 * i + 3}}}","type":"file_change","changes":[{"path":"/work/project/src/File{{{i}}}.cs","kind":"update"}],"status":"completed"}}""";
        }
        if (i % 500 == 250) yield return "2026-11-27T16:09:01.022Z WARN codex_core::exec: stderr noise interleaved with the events";
    }

    private static IEnumerable<string> CodexEnd() =>
    [
        """{"type":"item.completed","item":{"id":"item_last","type":"agent_message","text":"All rounds done."}}""",
        """{"type":"turn.completed","usage":{"input_tokens":350000,"cached_input_tokens":64000,"cache_write_input_tokens":0,"output_tokens":45000,"reasoning_output_tokens":0}}""",
    ];

    private static IEnumerable<string> ClaudeStart() =>
    [
        $$$"""{"type":"system","subtype":"init","cwd":"/work/project","session_id":"{{{ClaudeSession}}}","tools":["Task","Bash","Edit","Read","Write","WebFetch","WebSearch"],"mcp_servers":[],"model":"claude-sonnet-4-5","permissionMode":"bypassPermissions","apiKeySource":"none","output_style":"default","uuid":"6e1c1a55-4a44-4d0b-9a0e-0f5a4f6f8c11"}""",
    ];

    private static IEnumerable<string> ClaudeRound(int i, string output)
    {
        var tail = $$$""","parent_tool_use_id":null,"session_id":"{{{ClaudeSession}}}","uuid":"{{{Guid(i, 1)}}}","timestamp":"2026-11-27T16:09:01.022Z"}""";
        var usage = """"
            "stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":300,"cache_creation_input_tokens":50,"cache_read_input_tokens":100,"output_tokens":1},"context_management":null}
            """";
        var msg = $$$"""{"type":"assistant","message":{"id":"msg_{{{i}}}","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[""";
        if (i % 5 == 0)
            yield return msg + $$$"""{"type":"thinking","thinking":"Round {{{i}}}: the last run failed in \"FileSessionStore\"; rerun the focused test.","signature":"ZmFrZS1zaWduYXR1cmU="}],""" + usage + tail;
        yield return msg + $$$"""{"type":"text","text":"Running the focused tests for round {{{i}}}."}],""" + usage + tail;
        yield return msg + $$$"""{"type":"tool_use","id":"toolu_{{{i}}}","name":"Bash","input":{"command":"dotnet test --filter Round{{{i}}} 2>&1 | tail -n 200","description":"Run round {{{i}}}"}}],""" + usage + tail;
        var isError = i % 10 == 7 ? "true" : "false";
        yield return $$$"""{"type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_{{{i}}}","type":"tool_result","content":{{{output}}},"is_error":{{{isError}}}}]},"parent_tool_use_id":null,"session_id":"{{{ClaudeSession}}}","uuid":"{{{Guid(i, 2)}}}","timestamp":"2026-11-27T16:09:01.123Z","tool_use_result":{"stdout":{{{output}}},"stderr":"","interrupted":false,"isImage":false,"noOutputExpected":false}}""";
    }

    private static IEnumerable<string> ClaudeEnd() =>
    [
        $$$"""{"type":"assistant","message":{"id":"msg_last","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"text","text":"All rounds done."}],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":300,"output_tokens":1}},"parent_tool_use_id":null,"session_id":"{{{ClaudeSession}}}"}""",
        $$$"""{"type":"result","subtype":"success","is_error":false,"duration_ms":123456,"num_turns":4000,"result":"All rounds done.","session_id":"{{{ClaudeSession}}}","total_cost_usd":12.5,"usage":{"input_tokens":600000,"cache_creation_input_tokens":100,"cache_read_input_tokens":200,"output_tokens":40000}}""",
    ];

    private static string Guid(int i, int k) => $"{i:x8}-{k:x4}-4000-8000-{i * 7 + k:x12}";

    /// <summary>Log-like text of log-uniform length between 16 B and 64 KiB.</summary>
    private static string Output(Random rng)
    {
        var target = (int)Math.Exp(Math.Log(16) + rng.NextDouble() * (Math.Log(64 * 1024) - Math.Log(16)));
        var sb = new StringBuilder(target + 128);
        for (var n = 0; sb.Length < target; n++)
            sb.Append(n % 7 == 3
                ? $"  Failed Zwarm.Tests.Round{n}: Expected \"completed\" but found \"failed\".\tat C:\\src\\Store.cs:{n} — ünïcödé ✓\n"
                : $"src/Zwarm.Core/Sessions/File{n % 13}.cs({n},{n % 80}): info: passed in {n % 97} ms\n");
        return sb.ToString(0, Math.Min(sb.Length, target));
    }
}
