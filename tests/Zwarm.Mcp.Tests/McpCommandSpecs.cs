using System.Diagnostics;
using System.Text.Json.Nodes;
using AwesomeAssertions;

namespace Zwarm.Mcp.Tests;

/// <summary>The command line: zwarm mcp over real stdio, --print-config, init --mcp claude, bad input.</summary>
public sealed class McpCommandSpecs : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("zwarm-mcp-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact(Timeout = 60_000)]
    public async Task Zwarm_mcp_answers_on_stdout_with_protocol_only_and_logs_on_stderr()
    {
        const string input = """
            {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}
            {"jsonrpc":"2.0","method":"notifications/initialized"}
            {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"list_sessions","arguments":{}}}

            """;

        var (exit, stdout, stderr) = await RunAsync(["mcp", "--project", _dir], input, untilStdoutLines: 2);

        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(2, stderr).And.OnlyContain(l => JsonNode.Parse(l, null, default)!["jsonrpc"]!.GetValue<string>() == "2.0");
        var init = lines.Select(l => JsonNode.Parse(l)!).Single(n => n["id"]!.GetValue<int>() == 1);
        init["result"]!["serverInfo"]!["name"]!.GetValue<string>().Should().Be("zwarm");
        init["result"]!["protocolVersion"]!.GetValue<string>().Should().Be("2025-06-18");
        var call = lines.Select(l => JsonNode.Parse(l)!).Single(n => n["id"]!.GetValue<int>() == 2);
        JsonNode.Parse(call["result"]!["content"]![0]!["text"]!.GetValue<string>())!["count"]!.GetValue<int>().Should().Be(0);
        stderr.Should().StartWith($"zwarm mcp: serving {_dir} over stdio");
        exit.Should().Be(0, "the server ends when the client closes stdin");
    }

    [Fact(Timeout = 30_000)]
    public async Task Print_config_prints_the_snippet_of_each_client_with_this_zwarm_and_the_project()
    {
        var (exit, claude, _) = await RunAsync(["mcp", "--print-config", "claude", "--project", _dir]);
        exit.Should().Be(0);
        var server = JsonNode.Parse(claude)!["mcpServers"]!["zwarm"]!;
        server["type"]!.GetValue<string>().Should().Be("stdio");
        server["command"]!.GetValue<string>().Should().Be(TestEnv.Zwarm);
        server["args"]!.AsArray().Select(a => a!.GetValue<string>()).Should().Equal("mcp", "--project", _dir);

        var (codexExit, codex, _) = await RunAsync(["mcp", "--print-config", "CODEX", "--project", _dir]);
        codexExit.Should().Be(0);
        codex.Should().Contain("[mcp_servers.zwarm]\n").And.Contain($"command = \"{TestEnv.Zwarm}\"\n")
            .And.Contain($"args = [\"mcp\", \"--project\", \"{_dir}\"]\n").And.Contain("tool_timeout_sec = 330\n")
            .And.NotContain("bypass").And.NotContain("full_danger");
    }

    [Fact(Timeout = 30_000)]
    public async Task Init_mcp_claude_adds_zwarm_to_mcp_json_and_keeps_the_other_servers()
    {
        var path = Path.Combine(_dir, ".mcp.json");
        await File.WriteAllTextAsync(path, """{"mcpServers":{"other":{"command":"x"}},"keep":1}""", TestEnv.Ct);

        var (exit, stdout, stderr) = await RunAsync(["init", "-y", "--mcp", "claude"]);

        exit.Should().Be(0, stderr);
        stdout.Should().Contain("wrote    .mcp.json");
        var json = JsonNode.Parse(await File.ReadAllTextAsync(path, TestEnv.Ct))!;
        json["keep"]!.GetValue<int>().Should().Be(1);
        json["mcpServers"]!["other"]!["command"]!.GetValue<string>().Should().Be("x");
        json["mcpServers"]!["zwarm"]!["args"]!.AsArray().Select(a => a!.GetValue<string>()).Should().Equal("mcp", "--project", _dir);
        File.Exists(Path.Combine(_dir, ".zwarm", "config.toml")).Should().BeTrue();

        var (again, kept, _) = await RunAsync(["init", "-y", "--mcp", "claude"]);
        again.Should().Be(0);
        kept.Should().Contain("kept     .mcp.json", "-y never overwrites");
    }

    [Fact(Timeout = 30_000)]
    public async Task Bad_input_is_one_line_on_stderr_and_changes_nothing()
    {
        var (unknown, _, err1) = await RunAsync(["mcp", "--print-config", "cursor"]);
        unknown.Should().Be(2);
        err1.Trim().Should().Be("zwarm: unknown MCP client 'cursor': use claude or codex");

        var (noDir, _, err2) = await RunAsync(["mcp", "--project", Path.Combine(_dir, "nope")]);
        noDir.Should().Be(2);
        err2.Trim().Should().Be($"zwarm: project folder not found: {Path.Combine(_dir, "nope")}");

        var (codex, _, err3) = await RunAsync(["init", "--mcp", "codex"]);
        codex.Should().Be(2);
        err3.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain("zwarm mcp --print-config codex");
        Directory.Exists(Path.Combine(_dir, ".zwarm")).Should().BeFalse();

        await File.WriteAllTextAsync(Path.Combine(_dir, ".mcp.json"), "[1, 2]", TestEnv.Ct);
        var (broken, _, err4) = await RunAsync(["init", "-y", "--mcp", "claude"]);
        broken.Should().Be(1);
        err4.Trim().Should().Contain(".mcp.json is not a JSON object");
        Directory.Exists(Path.Combine(_dir, ".zwarm")).Should().BeFalse("a broken .mcp.json is found before anything is written");
        (await File.ReadAllTextAsync(Path.Combine(_dir, ".mcp.json"), TestEnv.Ct)).Should().Be("[1, 2]");
    }

    /// <summary>Runs zwarm in the temp folder; with <paramref name="untilStdoutLines"/>, closes stdin once that many lines came.</summary>
    private async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string[] args, string? stdin = null, int untilStdoutLines = 0)
    {
        var psi = new ProcessStartInfo(TestEnv.Zwarm)
        {
            WorkingDirectory = _dir, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["NO_COLOR"] = "1";
        psi.Environment.Remove("ZWARM_AGENTS_DIR");
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync(TestEnv.Ct);
        var stdout = new System.Text.StringBuilder();
        if (stdin is not null) await p.StandardInput.WriteAsync(stdin);
        if (untilStdoutLines == 0) p.StandardInput.Close();
        for (var n = 0; await p.StandardOutput.ReadLineAsync(TestEnv.Ct) is { } line;)
        {
            stdout.Append(line).Append('\n');
            if (++n == untilStdoutLines) p.StandardInput.Close();
        }
        await p.WaitForExitAsync(TestEnv.Ct);
        return (p.ExitCode, stdout.ToString(), await stderr);
    }
}
