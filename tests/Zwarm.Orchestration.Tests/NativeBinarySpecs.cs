using System.Diagnostics;
using System.Text.Json.Nodes;
using AwesomeAssertions;
using Zwarm.TestSupport;
using static Zwarm.Orchestration.Tests.Llm;

namespace Zwarm.Orchestration.Tests;

/// <summary>
/// Issue 14: the NativeAOT zwarm (what ./zwarm builds and the linux-x64 tool package holds) lists, spawns and finalises
/// a turn, orchestrates against the scripted model and answers MCP's initialize. test.sh points the specs at it
/// (ZWARM_TEST_BINARY); without one (no clang/zlib1g-dev, or ZWARM_TEST_NO_NATIVE=1) this is a visible skip, a failure under CI.
/// </summary>
public sealed class NativeBinarySpecs
{
    [Fact(Timeout = 180_000)]
    public async Task The_native_binary_lists_spawns_finalises_orchestrates_and_serves_mcp()
    {
        Need.Tool(
            Repo.ZwarmIsNative,
            $"the zwarm under test is not a NativeAOT binary ({TestEnv.Zwarm}): " +
            "test.sh builds one when clang and zlib1g-dev are installed");
        await using var w = await World.CreateAsync();

        var empty = await ZwarmProcess.RunAsync(w.Dir, ["ls", "--json"]);
        empty.ExitCode.Should().Be(0, empty.Stderr);
        JsonNode.Parse(empty.Stdout)!.AsArray().Should().BeEmpty();

        // spawn returns at once; only the turn's wrapper (the native binary's _finalize) can record the end.
        var spawn = await ZwarmProcess.RunAsync(w.Dir, ["spawn", "reply=from_the_native_binary", "--json"]);
        spawn.ExitCode.Should().Be(0, spawn.Stderr);
        var id = JsonNode.Parse(spawn.Stdout)!["id"]!.GetValue<string>();
        var meta = Path.Combine(w.ZwarmDir, "sessions", id, "meta.json");
        await Eventually.UntilAsync(() => Status(meta) == "completed", TimeSpan.FromSeconds(60),
            () => $"session {id} not finalised: {(File.Exists(meta) ? File.ReadAllText(meta) : "(no meta.json)")}", TestEnv.Ct);
        JsonNode.Parse(File.ReadAllText(meta))!["messages"]!.AsArray().Last()!["content"]!.GetValue<string>().Should()
            .Be("from the native binary", "the fake agent reads _ as a space");

        w.Chat(One("delegate", """{"task":"reply=delegated_natively"}"""), One("exit", """{"summary":"native run done"}"""));
        var run = await ZwarmProcess.RunAsync(w.Dir, ["orchestrate", "--task", "Delegate one thing"]);
        run.ExitCode.Should().Be(0, run.Stdout + run.Stderr);
        run.Stdout.Should().Contain("✓ done in 2 steps: native run done");

        var ls = await ZwarmProcess.RunAsync(w.Dir, ["ls", "--json"]);
        ls.ExitCode.Should().Be(0, ls.Stderr);
        JsonNode.Parse(ls.Stdout)!.AsArray().Select(s => s!["id"]!.GetValue<string>()).Should().HaveCount(2).And.Contain(id);

        var (init, tools, call) = await McpAsync(w.Dir);
        init["result"]!["serverInfo"]!["name"]!.GetValue<string>().Should().Be("zwarm");
        init["result"]!["protocolVersion"]!.GetValue<string>().Should().Be("2025-06-18");
        // The tools are made from their methods by reflection (AIFunctionFactory): the native build must keep what that needs.
        tools["result"]!["tools"]!.AsArray().Select(t => t!["name"]!.GetValue<string>())
            .Should().StartWith(["delegate", "converse"], tools.ToJsonString());
        var listed = JsonNode.Parse(call["result"]!["content"]![0]!["text"]!.GetValue<string>())!;
        listed["success"]!.GetValue<bool>().Should().BeTrue(call.ToJsonString());
        listed["count"]!.GetValue<int>().Should().Be(2);
    }

    private static string? Status(string metaPath)
    {
        try { return JsonNode.Parse(File.ReadAllText(metaPath))?["status"]?.GetValue<string>(); }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException) { return null; }
    }

    /// <summary>
    /// Runs `zwarm mcp` over stdio: initialize, tools/list, then tools/call list_sessions; returns the three answers and
    /// closes stdin (the server then ends).
    /// </summary>
    private static async Task<(JsonNode Init, JsonNode Tools, JsonNode Call)> McpAsync(string dir)
    {
        var psi = new ProcessStartInfo(TestEnv.Zwarm)
        {
            WorkingDirectory = dir, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        psi.ArgumentList.Add("mcp");
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync(TestEnv.Ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestEnv.Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        async Task<JsonNode> AskAsync(string request)
        {
            await p.StandardInput.WriteLineAsync(request);
            await p.StandardInput.FlushAsync(TestEnv.Ct);
            string? line;
            try { line = await p.StandardOutput.ReadLineAsync(timeout.Token); }
            catch (OperationCanceledException)
            {
                p.Kill(entireProcessTree: true);
                throw new TimeoutException($"zwarm mcp did not answer {request}");
            }
            // stderr is read to its end only once the server is gone: only then can it explain a missing answer.
            if (line is null) line.Should().NotBeNull(await stderr);
            return JsonNode.Parse(line!)!;
        }
        var init = await AskAsync("""
            {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}
            """);
        await p.StandardInput.WriteLineAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
        var tools = await AskAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/list"}""");
        var call = await AskAsync("""{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"list_sessions","arguments":{}}}""");
        p.StandardInput.Close();
        await p.WaitForExitAsync(timeout.Token);
        p.ExitCode.Should().Be(0, await stderr);
        return (init, tools, call);
    }
}
