using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Zwarm.ScriptedModel;
using Zwarm.TestSupport;

namespace Zwarm.Mcp.Tests;

/// <summary>Tests that start real agent CLIs: one at a time, after the others.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RealClientsCollection
{
    public const string Name = "real-clients";
}

/// <summary>What a process did.</summary>
internal sealed record Ran(int ExitCode, string Stdout, string Stderr);

/// <summary>
/// A temp project whose codex sessions run the real codex CLI against a scripted model server on 127.0.0.1, with a
/// HOME of its own, and the programs run from a minimal environment (nothing of the machine's keys or settings).
/// </summary>
internal sealed class RealClientProject : IAsyncDisposable
{
    private RealClientProject(ScriptedModelServer server, string dir, string codex)
    {
        Server = server;
        Dir = dir;
        Codex = codex;
    }

    public ScriptedModelServer Server { get; }
    public string Dir { get; }
    public string Codex { get; }
    public string Project => Path.Combine(Dir, "project");
    public string Home => Path.Combine(Dir, "home");

    /// <summary>The delegated sessions' codex home (the client's, if it is codex, is another).</summary>
    public string CodexHome => Path.Combine(Home, ".codex");

    public static async Task<RealClientProject> CreateAsync()
    {
        RealAgents.RequireLoopbackOnly();
        var codex = RealAgents.RequireCli("codex");
        var dir = Path.Combine(Path.GetTempPath(), "zwarm-mcp-real-" + Guid.NewGuid().ToString("N")[..10]);
        var p = new RealClientProject(await ScriptedModelServer.StartAsync(TestEnv.Ct), dir, codex);
        Directory.CreateDirectory(Path.Combine(p.Project, ".zwarm"));
        Directory.CreateDirectory(p.CodexHome);
        Directory.CreateDirectory(Path.Combine(p.Home, ".claude"));
        await File.WriteAllTextAsync(Path.Combine(p.Project, ".zwarm", "config.toml"), $"""
            [executor]
            adapter = "codex"
            [adapters.codex]
            command = "{codex}"
            """, TestEnv.Ct);
        await File.WriteAllTextAsync(Path.Combine(p.Project, ".zwarm", "codex.toml"), $"""
            model = "gpt-5.5"
            {p.CodexProvider()}
            """, TestEnv.Ct);
        return p;
    }

    /// <summary>codex settings for the scripted server (model provider "mock", no retries, nothing else on the network).</summary>
    public string CodexProvider() => RealAgents.CodexMockProvider(Server.OpenAiBaseUrl);

    /// <summary>The environment every program gets: PATH, a temp HOME, the codex home and dummy key of the sessions.</summary>
    public Dictionary<string, string> Environment()
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["HOME"] = Home, ["CODEX_HOME"] = CodexHome, ["MOCK_KEY"] = "dummy-key", ["NO_COLOR"] = "1", ["DOTNET_NOLOGO"] = "1",
        };
        foreach (var keep in new[] { "PATH", "LANG", "TMPDIR", "DOTNET_ROOT" })
            if (System.Environment.GetEnvironmentVariable(keep) is { } v) env[keep] = v;
        return env;
    }

    /// <summary>Runs zwarm in the project.</summary>
    public Task<Ran> ZwarmAsync(params string[] args) => RunAsync(TestEnv.Zwarm, args, Project, Environment(), 60);

    /// <summary>
    /// Runs a program with exactly <paramref name="env"/>; kills its process tree after <paramref name="timeoutSeconds"/>.
    /// </summary>
    public static async Task<Ran> RunAsync(
        string exe, IEnumerable<string> args, string cwd, IReadOnlyDictionary<string, string> env, double timeoutSeconds)
    {
        var psi = new ProcessStartInfo(exe)
        {
            WorkingDirectory = cwd, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment.Clear();
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using var process = Process.Start(psi)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(TestEnv.Ct);
        var stderr = process.StandardError.ReadToEndAsync(TestEnv.Ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestEnv.Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw new TimeoutException(
                $"{Path.GetFileName(exe)} {string.Join(' ', psi.ArgumentList)} ran longer than {timeoutSeconds} s:\n" +
                $"{await stdout}\n{await stderr}");
        }
        return new Ran(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The project's sessions as `zwarm ls --json` prints them.</summary>
    public async Task<JsonArray> SessionsAsync()
    {
        var ls = await ZwarmAsync("ls", "--json");
        if (ls.ExitCode != 0) throw new InvalidOperationException($"zwarm ls failed: {ls.Stderr}");
        return JsonNode.Parse(ls.Stdout)!.AsArray();
    }

    /// <summary>What to look at when an assertion fails.</summary>
    public string Diagnostics(Ran client)
    {
        var sb = new StringBuilder()
            .AppendLine($"exit {client.ExitCode}")
            .AppendLine("--- stdout:").AppendLine(Tail(client.Stdout))
            .AppendLine("--- stderr:").AppendLine(Tail(client.Stderr));
        sb.AppendLine($"--- server: {Server.Requests.Count} requests");
        foreach (var r in Server.Requests)
            sb.AppendLine($"  {r.Endpoint} prompt={r.LastUserPrompt} outputs={r.ToolOutputs.Count} reply={r.ReplyIndex}");
        foreach (var problem in Server.Problems) sb.AppendLine("problem: " + problem);
        foreach (var turn in Directory.Exists(Path.Combine(Project, ".zwarm", "sessions"))
                     ? Directory.GetFiles(Path.Combine(Project, ".zwarm", "sessions"), "turn_*.jsonl", SearchOption.AllDirectories)
                     : [])
            sb.AppendLine($"--- {turn}:").AppendLine(Tail(File.ReadAllText(turn)));
        return sb.ToString();
    }

    private static string Tail(string s) => s.Length > 6000 ? "…" + s[^6000..] : s;

    public async ValueTask DisposeAsync()
    {
        await ZwarmAsync("kill", "--all");
        await Server.DisposeAsync();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
            // An agent still writing: leave the temp folder.
        }
    }
}
